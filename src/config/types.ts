// The run configuration: bpf-verdict.yaml merged with command-line flags (flags win).
export interface RunConfig {
  /** Kernel specs (vm/kernel.ts syntax): debian:6.12, file:/path/bzImage, src:/tree+fix.patch */
  kernels: string[];
  /** Corpus paths: directories (searched for *.c and *.o), C files, or BPF objects. */
  corpus: string[];
  /** Glob patterns (relative to each corpus directory; a pattern without '/' matches the file name). */
  include: string[];
  exclude: string[];
  build: { includeDirs: string[]; cflags: string[] };
  timeouts: { bootSec: number; loadSec: number };
  memoryMb: number;
  cpus: number;
  /** Model semantics for every kernel (src/profiles); null: each kernel's own line, from its release. */
  profile: string | null;
  /** Where the YAML came from (null: defaults only); relative paths in it are resolved against its directory. */
  source: string | null;
}

export const DEFAULT_CONFIG: RunConfig = {
  kernels: ['debian:6.12'],
  corpus: ['programs'],
  include: ['*.c', '*.o'],
  exclude: ['include/**', 'build/**'],
  build: { includeDirs: ['programs/include'], cflags: [] },
  timeouts: { bootSec: 180, loadSec: 120 },
  memoryMb: 1024,
  cpus: 1,
  profile: null,
  source: null,
};
