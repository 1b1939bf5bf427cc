// Typed errors. Each carries its evidence and a hint naming the fix.
// The model never throws for a *verifier* rejection (that is data: a Verdict);
// it throws only for malformed input. Harness errors carry errno / log / console tail.
// src/shared/ is the neutral bottom layer: host (src/, vm/) and guest (harness/) import it, it imports
// nothing of theirs (why it sits under src/: test/layers.test.ts).

export class BpfVerdictError extends Error {
  override name = 'BpfVerdictError';
  constructor(message: string, readonly hint?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
  /** One readable paragraph: what went wrong, then how to fix it. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** Bad command-line usage (exit code 2). */
export class UsageError extends BpfVerdictError {
  override name = 'UsageError';
}

/** Malformed input file: ELF, BTF, BTF.ext, YAML... `file` names it. */
export class InputError extends BpfVerdictError {
  override name = 'InputError';
  constructor(readonly file: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, hint, options);
  }
}

/** Show the last `n` lines of a log, saying how many were left out. */
export function tailLines(text: string | string[], n = 20): string {
  const lines = (Array.isArray(text) ? text : text.split('\n')).filter((l, i, a) => !(i === a.length - 1 && l === ''));
  if (lines.length <= n) return lines.join('\n');
  return `(${lines.length - n} earlier lines omitted)\n` + lines.slice(-n).join('\n');
}
