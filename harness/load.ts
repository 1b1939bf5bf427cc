// Loads the programs of one object and returns one KernelResult per program.
// Runs inside the guest (called by the agent) and on a host with BPF rights.
//
// Why batches: every libbpf load re-opens the object, re-parses the kernel's BTF and
// re-creates the maps; the verifier itself is a few percent of that. So all requested
// programs go into one bpf_object__load; libbpf stops at the first failing program and
// names it, the ones before it were accepted, and the rest go into the next batch.
// A failure libbpf does not pin on one program (a missing kfunc, a map it cannot create)
// falls back to one load per program, so each result stands on its own.
import type { KernelResult } from '../src/verdict.js';
import type { LibbpfAddon, NativeLoadOutcome, NativeProgramLoad } from './native.js';
import { failedProgram, isLibbpfPoison, lastLibbpfError, lastMeaningfulLine, libbpfLinesFor, parseStats } from './verifier-log.js';

export const ENOSPC = 28;
export const DEFAULT_LOG_LEVEL = 1;
export const DEFAULT_LOG_SIZE = 1 << 20;
/** A log that outgrows DEFAULT_LOG_SIZE gets one retry in a buffer this big. */
export const BIG_LOG_SIZE = 64 << 20;
/** BPF_LOG_STATS: adds "verification time N usec" and stack depth to any log level. */
const BPF_LOG_STATS = 4;

export interface LoadOptions {
  object: string;          // name for results and libbpf messages
  programs?: string[];     // default: every program in the object (autoload or not)
  logLevel?: number;       // kernel log level bits 1|2; BPF_LOG_STATS is always added when > 0
  logSize?: number;
}

/** The object could not even be opened, or asked-for programs are not in it. */
export class ObjectLoadError extends Error {
  override name = 'ObjectLoadError';
  constructor(message: string, readonly errno: number, readonly libbpfLog: string, readonly available: string[] = []) {
    super(message);
  }
}

export async function loadObjectPrograms(addon: LibbpfAddon, bytes: Uint8Array, opts: LoadOptions): Promise<KernelResult[]> {
  const logLevel = (opts.logLevel ?? DEFAULT_LOG_LEVEL) === 0 ? 0 : (opts.logLevel ?? DEFAULT_LOG_LEVEL) | BPF_LOG_STATS;
  const logSize = opts.logSize ?? DEFAULT_LOG_SIZE;
  const name = objectName(opts.object);
  const opened = addon.object__openPrograms(bytes, name);
  if (opened.err !== 0) {
    return [objectLoaderError(opts.object, -opened.err, opened.libbpfLog)];
  }
  const all = opened.programs.map((p) => p.name);
  const wanted = opts.programs?.length ? opts.programs : all;
  const unknown = wanted.filter((p) => !all.includes(p));
  if (unknown.length) {
    throw new ObjectLoadError(`${opts.object}: no program named ${unknown.map((u) => `'${u}'`).join(', ')}`, 2, opened.libbpfLog, all);
  }
  const load = (programs: string[], level = logLevel, size = logSize) =>
    addon.object__loadPrograms(bytes, name, { programs, logLevel: level, logSize: size });

  const results = new Map<string, KernelResult>();
  let pending = all.filter((p) => wanted.includes(p));
  while (pending.length) {
    const out = await load(pending);
    if (out.loadErr === 0) {
      for (const p of pending) results.set(p, await resultFor(out, p, true, all));
      break;
    }
    const failed = pending.length > 1 ? failedProgram(out.libbpfLog, pending) : pending[0]!;
    if (failed === null) {
      // Not pinned on one program: learn each program's own verdict.
      for (const p of pending) {
        const alone = await load([p]);
        results.set(p, await resultFor(alone, p, alone.loadErr === 0, all));
      }
      break;
    }
    const at = pending.indexOf(failed);
    // libbpf loads in order and stops at the first failure: the ones before it were accepted.
    for (const p of pending.slice(0, at)) results.set(p, await resultFor(out, p, true, all));
    results.set(failed, await resultFor(out, failed, false, all));
    pending = pending.slice(at + 1);
  }
  return wanted.map((p) => results.get(p)!);

  /** `loaded`: the caller knows whether this program's load succeeded (all of a batch, or those before its failure). */
  async function resultFor(out: NativeLoadOutcome, program: string, loaded: boolean, everyone: string[]): Promise<KernelResult> {
    const prog = out.programs.find((p) => p.name === program)!;
    const errno = loaded ? 0 : -out.loadErr;
    // Any -ENOSPC from a logged load is the log's: at level 1 the kernel trims the log of
    // finished paths, so it can overflow mid-verification and still end up short.
    if (errno === ENOSPC && logLevel > 0 && logSize > 0) return bigLog(program, everyone);
    return classify(opts.object, prog, errno, libbpfLinesFor(out.libbpfLog, program, everyone));
  }

  // The kernel returns -ENOSPC whenever the log was truncated, whatever the verdict
  // (bpf_check: bpf_vlog_finalize's error replaces the result). Grow the buffer once;
  // if the log still does not fit, load with logging off to learn the true verdict and
  // keep the tail of the log (6.12's rotating log keeps the end, where the reason is).
  async function bigLog(program: string, everyone: string[]): Promise<KernelResult> {
    const big = await load([program], logLevel, Math.max(BIG_LOG_SIZE, logSize));
    const prog = big.programs.find((p) => p.name === program)!;
    const errno = -big.loadErr;
    if (errno !== ENOSPC) {
      const r = classify(opts.object, prog, errno, libbpfLinesFor(big.libbpfLog, program, everyone));
      return { ...r, libbpfLog: [r.libbpfLog, `bpf-verdict: the verifier log overflowed ${logSize} bytes (-ENOSPC); reloaded with a ${Math.max(BIG_LOG_SIZE, logSize)}-byte buffer`].filter(Boolean).join('\n') };
    }
    const quiet = await load([program], 0, 0);
    const note = `bpf-verdict: verifier log exceeds ${Math.max(BIG_LOG_SIZE, logSize)} bytes; kept its tail, verdict from a load with logging off`;
    const r = classify(opts.object, prog, -quiet.loadErr, libbpfLinesFor(big.libbpfLog + quiet.libbpfLog, program, everyone));
    return { ...r, libbpfLog: [r.libbpfLog, note].filter(Boolean).join('\n') };
  }
}

/** Verdict for one program from its errno, kernel log and libbpf messages. */
export function classify(object: string, prog: NativeProgramLoad, errno: number, libbpfLog: string): KernelResult {
  const base = { object, program: prog.name, section: prog.section, log: prog.log, libbpfLog, stats: parseStats(prog.log) };
  // An accepted program has no error message: the log's last line is then whatever the verifier
  // printed last ("Func#1 ('f') is safe for any args that match its prototype"); it stays in `log`.
  if (errno === 0) return { ...base, verdict: 'accept', errno: 0, message: null };
  // The verifier ran and said no, unless what it refused is libbpf's poisoned stand-in.
  if (prog.log.trim() !== '' && !isLibbpfPoison(prog.log)) {
    return { ...base, verdict: 'reject', errno, message: lastMeaningfulLine(prog.log) };
  }
  return { ...base, verdict: 'loader-error', errno, message: lastLibbpfError(libbpfLog) ?? lastMeaningfulLine(prog.log) };
}

function objectLoaderError(object: string, errno: number, libbpfLog: string): KernelResult {
  return {
    object, program: '(object)', section: '', verdict: 'loader-error', errno,
    message: lastLibbpfError(libbpfLog) ?? `libbpf could not open the object (errno ${errno})`, log: '', libbpfLog, stats: {},
  };
}

/** libbpf derives map names from the object name; keep it short and plain. */
function objectName(path: string): string {
  const base = path.split('/').pop() ?? 'obj';
  return base.replace(/\.(bpf\.)?o$/, '').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 15) || 'obj';
}
