// The shape of one verifier rule, shared by the rule tables (core.ts, graph.ts).
// A rule is the model's name for one kernel message: the model reports rule ids, the
// classifier (src/classify) maps real kernel logs back to the same ids via `format`.

export interface RuleSpec {
  /** Stable id, dotted, kernel vocabulary: e.g. `graph.root.lock_not_held`. Never renamed. */
  id: string;
  /**
   * The exact C format string the 6.12 kernel prints (without the trailing "\n"), or null when
   * the kernel prints nothing (BTF-load / map-create failures reported by errno only).
   * Multi-line messages keep their embedded "\n".
   */
  format: string | null;
  /** The kernel function the rule mirrors (kernel/bpf/verifier.c unless a file is named). */
  kernelFn: string;
  /** The condition, in words. */
  doc: string;
  /** errno the kernel returns for this rejection (positive), when it is specific to the rule. */
  errno?: number;
  /** How the rule differs in other profiles ('6.3', 'bpf-next'...), in words. */
  profiles?: string;
}
