// Typed errors for source-kernel builds and tree fetching. Each names the thing, carries the
// evidence (compiler lines, patch output, log file) and a hint naming the fix.
import { BpfVerdictError, tailLines } from '../src/shared/errors.js';

export type KernelBuildStage = 'tree' | 'patch' | 'config' | 'make' | 'fetch';

export class KernelBuildError extends BpfVerdictError {
  override name = 'KernelBuildError';
  constructor(
    readonly stage: KernelBuildStage,
    message: string,
    /** The lines that show the cause (compiler errors, patch rejects, apt output). */
    readonly evidence: string[] = [],
    hint?: string,
    /** Full output of the failed step, kept after the half-built directory is removed. */
    readonly logFile?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
  }
  override describe(): string {
    const parts = [this.message];
    if (this.evidence.length) parts.push(tailLines(this.evidence, 40).replace(/^/gm, '  | '));
    if (this.logFile) parts.push(`  full log: ${this.logFile}`);
    if (this.hint) parts.push(`  hint: ${this.hint}`);
    return parts.join('\n');
  }
}
