{
  "targets": [
    {
      "target_name": "pa_hdf5",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": [
        "-std=c++17", "-O2", "-fexceptions",
        "<!@(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)"
      ],
      "libraries": ["<!@(pkg-config --libs hdf5 2>/dev/null || echo -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5)"]
    }
  ]
}
