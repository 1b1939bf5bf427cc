// The shapes of a corpus run: what runCorpus takes, reports while it works, and returns.
import type { Comparison, KernelClass, KernelSide, ModelSide, Outcome } from '../compare/types.js';
import type { Expectation } from '../expect/types.js';

export interface Shard { index: number; count: number }

export interface KernelBuildOptions { fragments?: string[]; jobs?: number }

export interface RunOptions {
  kernels: string[];                 // kernel specs (vm/kernel.ts syntax)
  paths: string[];                   // corpus paths: directories, .c, .o
  include?: string[];
  exclude?: string[];
  /** Files for some kernel lines only (config kernelOnly): left out of the run on other kernels. */
  kernelOnly?: { glob: string; range: string }[];
  /** Declared profile gaps per kernel range (config profileGaps): see src/config/types.ts. */
  profileGaps?: { range: string; reason: string }[];
  includeDirs?: string[];            // -I for the corpus headers
  cflags?: string[];
  /** Model semantics for every kernel (a profile name); default: each kernel's own line, from its release. */
  profile?: string | null;
  memoryMb?: number;
  cpus?: number;
  bootTimeoutSec?: number;
  loadTimeoutSec?: number;
  /** Guests of each kernel run at once (--jobs); default: the cores, capped by available memory. */
  guests?: number;
  /** Run only shard `index` (1-based) of `count`: a stable partition by file path (shard.ts). */
  shard?: Shard;
  /** How src: kernels are built: extra config fragments and make jobs. */
  kernelBuild?: KernelBuildOptions;
  /** Ask the model for its walk too (for HTML / --out reports); costs time. */
  trace?: boolean;
  /** Object cache directory (default: $XDG_CACHE_HOME/bpf-verdict); the benchmark uses a fresh one for cold runs. */
  cacheDir?: string;
  /** Where libbpf and bpftool come from: 'auto' (default: the kernel's own tree), 'debian', or a tree (vm/tools.ts). */
  tools?: string;
  /** Directory for guest console logs (one per VM). */
  consoleDir?: string;
  onProgress?: (event: RunEvent) => void;
  /**
   * Stops the run (SIGINT/SIGTERM in the CLI): no new compile, boot or load starts, the guest is
   * killed, and the result holds what was obtained before; the reason (e.g. 'SIGINT') becomes
   * RunResult.interrupted.
   */
  signal?: AbortSignal;
}

export type RunEvent =
  | { kind: 'kernel'; spec: string; phase: 'resolve' | 'header' | 'build' | 'boot' | 'load' | 'done'; message?: string }
  | { kind: 'build'; spec: string; done: number; total: number; source: string; ok: boolean; cached: boolean }
  | { kind: 'object'; spec: string; done: number; total: number; object: string; records: ProgramRecord[] }
  | { kind: 'vm'; spec: string; message: string }         // reboots after a crash, bisecting an object...
  | { kind: 'note'; message: string };

/** One program on one kernel. Build failures are records with `program: null`. */
export interface ProgramRecord {
  kernel: string;               // the spec as given, e.g. debian:6.12
  kernelId: string | null;      // KernelImage.id, e.g. debian-6.12.117
  /** The model's semantics profile on this kernel (KernelRun.profile). */
  profile: string | null;
  object: string;               // what the user named: the C source, or the .o given
  source: string | null;        // the C source (for reports), when there is one
  objectFile: string | null;    // the object actually loaded (cache path for built sources)
  program: string | null;
  section: string | null;
  outcome: Outcome;
  expectation: Expectation;
  kernelSide: KernelSide;
  kernelClass: KernelClass | null;
  model: ModelSide | null;
  comparison: Comparison;
  /** The instructions in dispute (kernel's and model's), in the verifier log's notation. */
  insns: { who: 'kernel' | 'model' | 'both'; insn: number; text: string; line: string | null }[];
}

export interface KernelRun {
  spec: string;
  id: string | null;
  release: string | null;       // uname -r in the guest
  libbpf?: string;              // the libbpf that loaded this kernel's programs (vm/tools.ts)
  toolsNote?: string;           // why the host's libbpf and bpftool stand in for the kernel's own
  /** The model's semantics profile for this kernel (src/profiles), null until the kernel is resolved. */
  profile: string | null;
  /** Why this profile when it is not the kernel's own line (newer than every modelled line...). */
  profileNote: string | null;
  error: string | null;         // resolve / header / boot failed: no results for this kernel
  boots: number;                // 1 + fresh VMs after crashes/timeouts
  ms: { resolve: number; build: number; boot: number; load: number; model: number };
  built: { compiled: number; cached: number; failed: number };
  /** The in-kernel verification time reported by the kernel, summed (the floor for any harness). */
  verificationUs: number;
}

export interface RunResult {
  startedAt: string;            // ISO time
  durationMs: number;
  kernels: KernelRun[];
  records: ProgramRecord[];
  counts: Record<Outcome, number>;
  /** 0: everything agrees or is declared; 1: differences; 3: a kernel could not be used at all. */
  exitCode: 0 | 1 | 3;
  /** Why the run stopped before the end (the abort reason, e.g. 'SIGINT'); absent or null when it ran to the end. */
  interrupted?: string | null;
  /** The shard this run covered (--shard), when not the whole corpus. */
  shard?: Shard;
}
