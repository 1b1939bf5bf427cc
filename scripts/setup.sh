#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (and a no-op-ish fast path when done):
# Debian packages, npm dependencies, the libbpf addon, the TypeScript build.
# Every step checks before it acts, so running it twice costs ~1 s.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
# qemu/busybox/cpio: the guest; clang-19/llvm-19: BPF objects and llvm-objdump;
# libbpf-dev/libelf-dev/zlib1g-dev: the addon; bpftool: vmlinux.h;
# flex/bison/bc/libssl-dev/dwarves/libelf-dev: building kernels from source (src: specs);
# chromium: the HTML report's screenshot test; pkg-config: names the host libbpf when it stands in for a
# kernel line's own (libbpf and bpftool are otherwise built from each kernel tree's tools/);
# zstd: unpacking a Debian bzImage's payload for the PVH boot; binutils: objcopy for the addon's libbpf.a.
PKGS=(qemu-system-x86 busybox-static cpio clang-19 llvm-19 libbpf-dev libelf-dev zlib1g-dev
      bpftool flex bison bc libssl-dev dwarves xz-utils rsync patch make gcc g++ python3 chromium pkg-config
      zstd binutils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { log "apt-get install failed for: ${missing[*]} (is Debian's archive reachable? try: apt-get update)"; exit 1; }
fi

# --- npm dependencies ------------------------------------------------------
stamp=node_modules/.bpf-verdict-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "npm ci"
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi

# --- the libbpf addon ------------------------------------------------------
if [ -f harness/native/binding.gyp ]; then
  addon=harness/native/build/Release/bpf_verdict_native.node
  if [ ! -f "$addon" ] || [ -n "$(find harness/native/binding.gyp harness/native/src -newer "$addon" 2>/dev/null | head -1)" ]; then
    log "building the libbpf addon (node-gyp)"
    # Node's own headers when the distribution ships them (/usr/include/node): no download.
    nodedir=(); [ -f /usr/include/node/node_api.h ] && nodedir=(--nodedir=/usr)
    gyp="$PWD/node_modules/node-gyp/bin/node-gyp.js"
    [ -f "$gyp" ] || gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
    (cd harness/native && node "$gyp" rebuild "${nodedir[@]}" >&2) \
      || { log "building the libbpf addon failed (needs libbpf-dev libelf-dev zlib1g-dev g++ make python3)"; exit 1; }
  fi
fi

# --- TypeScript ------------------------------------------------------------
if [ ! -d dist ] || [ -n "$(find src harness vm test bench tsconfig.json -name '*.ts' -newer dist/.stamp 2>/dev/null | head -1)" ] || [ ! -f dist/.stamp ] || [ tsconfig.json -nt dist/.stamp ]; then
  log "compiling TypeScript"
  npx tsc -p tsconfig.json
  touch dist/.stamp
fi
