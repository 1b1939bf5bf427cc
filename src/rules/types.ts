// The shape of one verifier rule. A rule is the model's name for one kernel message: the model
// reports rule ids, the classifier (src/classify) maps real kernel logs back to the same ids.
// What a line prints for a rule (the C format) belongs to that line's profile, not to the rule.

export interface RuleInfo<I extends string = string> {
  /** Stable id, dotted, kernel vocabulary: e.g. `graph.root.lock_not_held`. Never renamed. */
  id: I;
  /** The kernel function the rule mirrors (kernel/bpf/verifier.c unless a file is named). */
  kernelFn: string;
  /** The condition, in words. */
  doc: string;
  /** errno the kernel returns for this rejection (positive), when it is specific to the rule. */
  errno?: number;
  /** How the condition differs between lines, in words (the formats are in the profiles). */
  profiles?: string;
}

/** A rule as one line prints it. */
export interface RuleSpec<I extends string = string> extends RuleInfo<I> {
  /**
   * The exact C format string the line prints (without the trailing "\n"), or null when the
   * kernel prints nothing (BTF-load / map-create failures reported by errno only).
   * Multi-line messages keep their embedded "\n".
   */
  format: string | null;
  /** Which of the model's arguments the format uses, in order (default: all, in order). */
  args?: readonly number[];
}

/** A reason the model answers `unsupported`: what it does not model, in one class. */
export interface UnsupportedInfo<I extends string = string> {
  id: I;
  doc: string;
}
