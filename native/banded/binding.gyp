{
  "targets": [
    {
      "target_name": "pa_banded",
      "sources": ["src/addon.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-O2", "-O0"],
      "cflags_cc!": ["-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off", "-fno-fast-math"]
    }
  ]
}
