{
  "targets": [
    {
      "target_name": "pa_spgemm",
      "sources": ["src/addon.cc", "src/cycle-addon.cc", "src/setup-addon.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-O2", "-O0"],
      "cflags_cc!": ["-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fno-fast-math"]
    }
  ]
}
