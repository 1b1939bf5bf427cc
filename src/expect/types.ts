// What a program's author declared about it, read from test_loader-style BTF decl tags.
// Plain data; src/expect/tags.ts produces it, src/compare consumes it.

/** One expected verifier-log message: verbatim text with optional `{{regex}}` parts. */
export interface MessagePattern {
  text: string;            // as written in the annotation (shown in MATCHED/EXPECTED tables)
  regex: RegExp | null;    // null when the pattern has no {{...}} part: a plain substring
  /** __not_msg (newer test_loader): must NOT appear between the neighbouring positive matches. */
  negative: boolean;
}

export interface Expectation {
  /** __success / __failure; null when the program declares neither (then only kernel x model is compared). */
  result: 'success' | 'failure' | null;
  /** __msg patterns, in the order they must appear in the log. */
  messages: MessagePattern[];
  description: string | null;
  logLevel: number | null;
  /** __retval: recorded; checking it needs BPF_PROG_TEST_RUN, which `run` does not do. */
  retval: string | null;
  /** Our __model_differs(reason): the model is known to disagree with the kernel here. */
  modelDiffers: string | null;
  /** __auxiliary: the program only exists to be used by another one; not a test of its own. */
  auxiliary: boolean;
  /** test_loader tags we read but do not act on (unpriv, xlated, jited, prog_flags, arch...). */
  ignored: string[];
  /** Annotations that could not be understood (bad regex, non-numeric log level, bad __kernel range...). */
  problems: string[];
  /** Every __kernel("RANGE") scope the program declares, as written. */
  kernels: string[];
  /** The scopes that applied to the kernel this expectation was read for ("7.3-"); null: only unscoped tags. */
  scope: string | null;
}

/** Outcome of matching declared messages against a log, as test_loader's validate_msgs prints it. */
export interface MessageMatch {
  pattern: MessagePattern;
  // matched; expected = first positive pattern not found; unexpected = a __not_msg pattern found;
  // unchecked = after the first failure (test_loader stops there too)
  status: 'matched' | 'expected' | 'unexpected' | 'unchecked';
  line: number | null;                            // 1-based log line of the match
}
