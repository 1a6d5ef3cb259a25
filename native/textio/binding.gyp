{
  "targets": [
    {
      "target_name": "pa_textio",
      "sources": ["src/addon.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-O2", "-O0", "-fno-exceptions"],
      "cflags_cc!": ["-O2", "-O0", "-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"]
    }
  ]
}
