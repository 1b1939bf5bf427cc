// Plain data passed between the stages: source -> object -> {model | VM + addon} -> comparison -> report.
// Every stage takes and returns these shapes; nothing here does I/O.

/** What the real kernel said about one program (harness/ produces it). */
export type KernelVerdict = 'accept' | 'reject' | 'loader-error';

export interface KernelResult {
  object: string;          // path as given by the user
  program: string;
  section: string;
  verdict: KernelVerdict;
  errno: number;           // 0 on accept; positive errno otherwise (EACCES=13, EINVAL=22, ...)
  message: string | null;  // last meaningful verifier log line (or libbpf's error for loader-error)
  log: string;             // the whole verifier log
  libbpfLog?: string;      // libbpf's own messages for this load
  rule?: string | null;    // rule id from the kernel-log classifier (src/classify), when classified
  stats?: { insnsProcessed?: number; totalStates?: number; peakStates?: number; verificationUs?: number };
}

/** What the reference model predicts for one program (src/model produces it). */
export type ModelVerdict = 'accept' | 'reject' | 'unsupported' | 'error';

export interface ModelResult {
  object: string;
  program: string;
  section: string;
  verdict: ModelVerdict;
  rule: string | null;     // stable rule id (src/rules), or the unsupported reason's id (src/rules/unsupported.ts)
  insn: number | null;     // instruction index, as the kernel log numbers it
  message: string | null;  // the kernel 6.12 message for that rule, rendered with the same numbers
  ms: number;
}
