// Loads the programs of one object and returns one KernelResult per program.
// Runs inside the guest (called by the agent) and on a host with BPF rights.
//
// Why batches: every libbpf load re-opens the object, re-parses the kernel's BTF and
// re-creates the maps; the verifier itself is a few percent of that. So all requested
// programs go into one bpf_object__load; libbpf stops at the first failing program and
// names it, the ones before it were accepted, and the rest go into the next batch.
// A failure libbpf does not pin on one program (a missing kfunc, a map it cannot create)
// falls back to one load per program, so each result stands on its own.
//
// With libbpf 1.8 or later (the addon says so), the object is first prepared once and each
// program verified alone (bpf_object__prepare + bpf_program__clone, as veristat does): with only
// the statistics logged (BPF_LOG_STATS), and, when the verifier refuses it, once more with the
// whole log at the asked level. An accepted program's level-1 log holds nothing but those
// statistics (the verifier drops the log of every path it finished), so every verdict, errno,
// message and log is the one a plain load with the whole log gives. What that path cannot
// settle (a refusal with no verifier log, libbpf's poisoned stand-in, an overflowing log, a
// failed prepare, an accepted program whose level-1 log has more than statistics: see
// statsLogIsWholeLog) goes through the batches below. Log level 2 (every state) always does.
import type { KernelResult } from '../src/shared/verdict.js';
import type { LibbpfAddon, NativeLoadOutcome, NativeProgramLoad } from './native.js';
import { failedProgram, isLibbpfPoison, lastLibbpfError, libbpfLinesFor, readVerifierLog } from '../src/shared/verifier-log.js';

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
  /** 'object-load': batches of bpf_object__load only, never prepare + clone (for comparing the two). */
  strategy?: 'auto' | 'object-load';
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
  const prepared = !!addon.object__verifyPrograms && opts.strategy !== 'object-load' && logLevel === (1 | BPF_LOG_STATS) && logSize > 0;
  // The prepared path opens the object itself and lists every program in it: one open, not two.
  const v = prepared
    ? await addon.object__verifyPrograms!(bytes, name, { programs: opts.programs ?? [], allPrograms: true, quickLogLevel: BPF_LOG_STATS, logLevel, logSize })
    : null;
  const opened = v?.available ? { err: v.openErr, libbpfLog: v.libbpfLog, programs: v.programs } : addon.object__openPrograms(bytes, name);
  if (opened.err !== 0) {
    return [{ ...objectLoaderError(opts.object, -opened.err, opened.libbpfLog), libbpf: addon.libbpf }];
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
  if (v?.available && v.prepareErr === 0 && !v.unknownPrograms.length) {
    const rest: string[] = [];
    for (const p of pending) {
      const pv = v.programs.find((x) => x.name === p)!;
      const errno = -pv.err;
      const settled = pv.selected && (errno === 0 ? statsLogIsWholeLog(pv.log) || pv.globalSubprogs === false : errno !== ENOSPC && pv.log.trim() !== '' && !isLibbpfPoison(pv.log));
      if (settled) results.set(p, classify(opts.object, pv, errno, libbpfLinesFor(v.libbpfLog, p, all)));
      else rest.push(p);
    }
    pending = rest;
  }
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
  return wanted.map((p) => ({ ...results.get(p)!, libbpf: addon.libbpf }));

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
export function classify(object: string, prog: Pick<NativeProgramLoad, 'name' | 'section' | 'log'>, errno: number, libbpfLog: string): KernelResult {
  const read = readVerifierLog(prog.log);
  const base = { object, program: prog.name, section: prog.section, log: prog.log, libbpfLog, stats: read.stats, reports: read.reports };
  // An accepted program's log ends with what the verifier noted on the way (e.g. "Func#1 ('f') is
  // safe for any args that match its prototype"), which is no error message.
  if (errno === 0) return { ...base, verdict: 'accept', errno: 0, message: null };
  // The verifier ran and said no, unless what it refused is libbpf's poisoned stand-in.
  if (prog.log.trim() !== '' && !isLibbpfPoison(prog.log)) {
    return { ...base, verdict: 'reject', errno, message: read.errorLine };
  }
  return { ...base, verdict: 'loader-error', errno, message: lastLibbpfError(libbpfLog) ?? read.errorLine };
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

/**
 * Whether an accepted program's statistics-only log is also its whole level-1 log. It is, except
 * for one level-1 line that survives acceptance: "Func#N ('name') is safe for any args that match
 * its prototype", printed once each global function is verified (do_check_subprogs). 7.x kernels
 * list every subprogram in the statistics ("subprog N (name) global ..."), so a log with a main
 * line and no global one is whole. Older kernels print no such lines; there the addon reads the
 * relocated program's func_info (globalSubprogs), and only a program with a global function, or
 * without func_info, is loaded again with the whole log.
 */
export function statsLogIsWholeLog(statsLog: string): boolean {
  return /^subprog 0 \(.*\) main /m.test(statsLog) && !/^subprog \d+ \(.*\) global /m.test(statsLog);
}
