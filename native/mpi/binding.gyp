{
  "targets": [
    {
      "target_name": "pa_mpi",
      "sources": [
        "src/addon.cc",
        "src/affinity.cc",
        "src/errors.cc",
        "src/buffers.cc",
        "src/collectives.cc",
        "src/exchange.cc",
        "src/waiting.cc",
        "src/windows.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "OMPI_SKIP_MPICXX=1", "MPICH_SKIP_MPICXX=1"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "<!@(mpicc --showme:compile)"],
      "libraries": ["<!@(mpicc --showme:link)", "-ldl"]
    }
  ]
}
