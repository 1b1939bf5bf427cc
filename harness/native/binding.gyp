# node-gyp build of the libbpf addon. Two ways to link libbpf:
#  - by default against the host's shared libbpf (Debian's libbpf-dev, 1.1): what scripts/setup.sh builds;
#  - statically against a libbpf built from a kernel tree's tools/lib/bpf (vm/addon-build.ts passes
#    --libbpf_include=DIR --libbpf_libs="/x/libbpf.a /usr/lib/.../libelf.a ..." --libbpf_defines="...").
# libbpf APIs newer than 1.1 are compiled in only when the build found them (BPF_VERDICT_HAVE_* defines).
# C++ exceptions on: node-addon-api reports JS errors as Napi::Error.
{
  "variables": {
    "libbpf_include%": "",
    "libbpf_libs%": "-lbpf -lelf -lz",
    "libbpf_defines%": "",
    "libbpf_ldflags%": ""
  },
  "targets": [
    {
      "target_name": "bpf_verdict_native",
      "sources": ["src/addon.cc", "src/object_load.cc", "src/print_capture.cc", "src/prog_load_capture.cc", "src/vmlinux_btf_share.cc"],
      "include_dirs": ["<@(libbpf_include)", "<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["<@(libbpf_libs)"],
      "ldflags": ["<@(libbpf_ldflags)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<@(libbpf_defines)"]
    }
  ]
}
