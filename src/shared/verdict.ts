// Plain data passed between the stages: source -> object -> {model | VM + addon} -> comparison -> report.
// Every stage takes and returns these shapes; nothing here does I/O.
// src/shared/ is the neutral bottom layer: host (src/, vm/) and guest (harness/) import it, it imports
// nothing of theirs (why it sits under src/: test/layers.test.ts).

/** What the real kernel said about one program (harness/load.ts produces it in the guest). */
export type KernelVerdict = 'accept' | 'reject' | 'loader-error';

export interface KernelResult {
  object: string;          // path as given by the user
  program: string;
  section: string;
  verdict: KernelVerdict;
  errno: number;           // 0 on accept; positive errno otherwise (EACCES=13, EINVAL=22, ...)
  // the verifier's error line (null on accept), or libbpf's error for loader-error
  message: string | null;
  log: string;             // the whole verifier log
  libbpfLog?: string;      // libbpf's own messages for this load
  libbpf?: string;         // the libbpf that loaded it: "libbpf 1.8.0 (linux-source-7.3 ... tools/lib/bpf)"
  rule?: string | null;    // rule id from the kernel-log classifier (src/classify), when classified
  stats?: VerifierStats;
  /** 7.x failure reports (kernel/bpf/diagnostics.c), in log order; absent or empty before 7.x. */
  reports?: DiagnosticReport[];
}

/** print_verification_stats(): what every kernel line prints, and 7.x's per-subprog lines. */
export interface VerifierStats {
  insnsProcessed?: number; maxStatesPerInsn?: number; totalStates?: number; peakStates?: number; markRead?: number;
  verificationUs?: number;
  /** Deepest stack of any subprog ("stack depth max N" in 7.x; the largest of 6.x's "stack depth A+B"). */
  stackDepth?: number;
  /** 6.x: one stack depth per subprog, in subprog order ("stack depth 0+8"). */
  subprogStack?: number[];
  /** 7.x: "subprog N (NAME) KIND insns_self N insns_total N stack N", one per subprog. */
  subprogs?: SubprogStats[];
}

export interface SubprogStats {
  index: number; name: string; kind: 'main' | 'global' | 'static';
  /** Instructions processed in this subprog, and including its callees. */
  insnsSelf: number; insnsTotal: number; stack: number;
}

/**
 * One 7.x failure report ("Verification failed: CATEGORY: Problem" and its sections). Section
 * texts are as printed, less their two-space indent; null when the kernel printed no such section.
 */
export interface DiagnosticReport {
  category: string;              // "Resource Lifetime Safety"
  problem: string | null;        // "Unreleased resource"
  reason: string | null;
  at: string | null;             // function @ file:line:col, source and instruction context
  causalPath: string | null;
  activeLock: string | null;
  suggestion: string | null;
  /** Sections this reader does not know by name. */
  other: { title: string; text: string }[];
}

/**
 * What the reference model predicts for one program (src/model produces it). `error`: the object
 * cannot be walked (bad input, named in the message). `model-error`: the model itself failed (an
 * exception inside it, a bug): not a prediction at all, reported with its stack.
 */
export type ModelVerdict = 'accept' | 'reject' | 'unsupported' | 'error' | 'model-error';

export interface ModelResult {
  object: string;
  program: string;
  section: string;
  verdict: ModelVerdict;
  rule: string | null;     // stable rule id (src/rules), or the unsupported reason's id (src/rules/unsupported.ts)
  insn: number | null;     // instruction index, as the kernel log numbers it
  message: string | null;  // the kernel 6.12 message for that rule, rendered with the same numbers
  ms: number;
  /** model-error only: the exception's stack, for the bug report. */
  stack?: string;
}
