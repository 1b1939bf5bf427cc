# node-gyp build of the libbpf addon, against Debian's libbpf-dev (pkg-config name: libbpf).
# C++ exceptions on: node-addon-api reports JS errors as Napi::Error.
{
  "targets": [
    {
      "target_name": "bpf_verdict_native",
      "sources": ["src/addon.cc", "src/object_load.cc", "src/print_capture.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["-lbpf", "-lelf", "-lz"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
