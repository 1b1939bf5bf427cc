// BPF objects from C sources: clang-19 against the target kernel's vmlinux.h, cached.
export { buildObjects, type BuildOutcome, type BuildOptions } from './build.js';
export { ObjectCache, cacheRoot, FileHasher, sha256 } from './cache.js';
export { BASE_FLAGS, clangIdentity, parseDepFile, clangErrorSummary } from './clang.js';
