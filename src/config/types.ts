// The run configuration: bpf-verdict.yaml merged with command-line flags (flags win).
export interface KernelOnly { glob: string; range: string }
export interface ProfileGap { range: string; reason: string }

export interface RunConfig {
  /** Kernel specs (vm/kernel.ts syntax): debian:6.12, file:/path/bzImage, src:/tree+fix.patch */
  kernels: string[];
  /** Corpus paths: directories (searched for *.c and *.o), C files, or BPF objects. */
  corpus: string[];
  /** Glob patterns (relative to each corpus directory; a pattern without '/' matches the file name). */
  include: string[];
  exclude: string[];
  /**
   * Files that exist for some kernel lines only (kfuncs an older line lacks): a glob like
   * include/exclude's and a kernel range as __kernel() writes it ("7.3-"). On a kernel outside the
   * range the file is left out of that kernel's run (and the run says so).
   */
  kernelOnly: KernelOnly[];
  /**
   * Declared gaps of a kernel line's profile: on kernels in `range`, a program the model answers
   * `unsupported` because that line's profile does not state the construct yet
   * (model.unsupported.profile, and only that) is `declared`, with `reason` in the report. One
   * place for what would otherwise be a __model_differs on every program; any other unsupported
   * answer, and every real model difference, stays red.
   */
  profileGaps: ProfileGap[];
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
  kernelOnly: [],
  profileGaps: [],
  build: { includeDirs: ['programs/include'], cflags: [] },
  timeouts: { bootSec: 180, loadSec: 120 },
  memoryMb: 1024,
  cpus: 1,
  profile: null,
  source: null,
};

/**
 * The guest settings' limits, for the YAML and every command's flags alike. The guest image (node,
 * the addon, the agent) is unpacked into guest RAM: about 110 MB, so less than 256 MiB does not boot.
 */
export const VM_LIMITS = {
  memoryMb: { min: 256, max: 65536, int: true },
  cpus: { min: 1, max: 64, int: true },
  timeoutSec: { min: 1, max: 86400 },
} as const;
