// Typed errors of the VM half. Each carries its evidence (console tail, log path) and a hint.
import { BpfVerdictError, tailLines } from '../src/shared/errors.js';

/** Kernel spec resolution or download failed: unknown spec, no package, not a bzImage. */
export class KernelError extends BpfVerdictError {
  override name = 'KernelError';
  constructor(readonly spec: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(`kernel ${spec}: ${message}`, hint, options);
  }
}

/** Building the guest image failed (missing busybox, node, addon...). */
export class GuestImageError extends BpfVerdictError {
  override name = 'GuestImageError';
}

/** QEMU would not start, or the guest never reached the agent. */
export class VmBootError extends BpfVerdictError {
  override name = 'VmBootError';
  constructor(message: string, readonly consoleTail: string, hint?: string, options?: { cause?: unknown }) {
    super(message, hint, options);
  }
  override describe(): string {
    return `${super.describe()}\n  console tail:\n${indent(this.consoleTail)}`;
  }
}

export type PanicKind = 'panic' | 'oops' | 'bug' | 'exit';

/** The guest kernel panicked, oopsed, hit a BUG, or QEMU exited unasked. */
export class VmPanicError extends BpfVerdictError {
  override name = 'VmPanicError';
  constructor(readonly kind: PanicKind, readonly line: string, readonly consoleTail: string, readonly consoleLog?: string) {
    super(`guest kernel ${kind === 'exit' ? 'stopped' : kind}: ${line}`,
      consoleLog ? `the whole console is in ${consoleLog}` : undefined);
  }
  override describe(): string {
    return `${super.describe()}\n  console tail:\n${indent(this.consoleTail)}`;
  }
}

/** The guest did not answer within the timeout (boot or request). */
export class VmTimeoutError extends BpfVerdictError {
  override name = 'VmTimeoutError';
  constructor(readonly what: string, readonly ms: number, readonly consoleTail: string, hint?: string) {
    super(`guest did not answer ${what} within ${Math.round(ms / 1000)} s`, hint);
  }
  override describe(): string {
    return `${super.describe()}\n  console tail:\n${indent(this.consoleTail)}`;
  }
}

/** Garbage or a broken frame on the agent channel, or an error reply from the agent. */
export class ProtocolError extends BpfVerdictError {
  override name = 'ProtocolError';
  constructor(message: string, hint?: string, readonly detail?: string, options?: { cause?: unknown }) {
    super(message, hint, options);
  }
}

function indent(text: string): string {
  return tailLines(text, 30).split('\n').map((l) => `    ${l}`).join('\n');
}

/** The cache's filesystem is full: nothing was published, and the message names where. */
export class CacheFullError extends BpfVerdictError {
  override name = 'CacheFullError';
  constructor(readonly path: string, what: string, options?: { cause?: unknown }) {
    super(`no space left on the device while writing ${what} to ${path}; nothing was kept in the cache`,
      `free space there (df -h ${path}), or put the cache on a bigger disk: XDG_CACHE_HOME=/big/dir (the cache is $XDG_CACHE_HOME/bpf-verdict)`, options);
  }
}

/** ENOSPC, as an errno or in the words of a tool that hit it (apt-get, tar, cp). */
export function isNoSpace(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return true;
    if (/No space left on device|ENOSPC/.test(String((e as Error).message ?? e))) return true;
  }
  return false;
}
