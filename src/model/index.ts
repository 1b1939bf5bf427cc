// The reference model's entry point: predict a kernel line's verifier verdict (the profile's)
// for each program of a BpfObject. Pure: no I/O; findings are data. Malformed programs (what the readers let through
// but the model cannot walk) become `error` results naming the problem, never a crash.
import type { BpfObject, BpfProgram } from '../object/types.js';
import type { Btf } from '../btf/types.js';
import { relocateCore } from '../object/core-patch.js';
import type { ModelResult } from '../shared/verdict.js';
import { MODELLED_PROG_TYPES } from './ctx.js';
import { graphHooks, graphPrecheck } from './graph/index.js';
import type { GraphHooks } from './hooks.js';
import { makeEnv, verifyProgram } from './interp/explore.js';
import { checkCfg } from './interp/cfg.js';
import { checkSubprogs, scanInsns } from './interp/insn-checks.js';
import type { Finding } from './finding.js';
import { kfuncLicenceCheck } from './licence.js';
import { getProfile, type Profile } from '../profiles/index.js';
import { UNSUPPORTED } from '../rules/index.js';
import { InputError } from '../shared/errors.js';

export interface ModelProgramResult extends ModelResult {
  /** The abstract state at the rejected/unsupported instruction, in the verifier's state-line notation. */
  stateAt: string | null;
  /** explain output: the walk, instruction by instruction (only with `trace: true`). */
  trace?: string[];
  /** Every line the kernel prints for the finding, in order, ending with `message` (null on accept). */
  messageLines: string[] | null;
  /** Instructions processed (the kernel's "processed N insns" counterpart). */
  insnProcessed: number;
}

/** `profile`: a profile or its name (default DEFAULT_PROFILE). */
export interface ModelOptions {
  profile?: string | Profile; program?: string; trace?: boolean; hooks?: GraphHooks;
  /** A smaller processed-instruction budget than the profile's (fuzzing, quick checks); same message. */
  insnLimit?: number;
  /** The target kernel's BTF (vmlinux): CO-RE relocations other than local type ids need it. */
  targetBtf?: Btf | null;
}

export function modelProgram(obj: BpfObject, original: BpfProgram, opts: ModelOptions = {}): ModelProgramResult {
  const t0 = performance.now();
  const chosen = typeof opts.profile === 'object' ? opts.profile : getProfile(opts.profile);
  const profile = opts.insnLimit ? { ...chosen, switches: { ...chosen.switches, insnLimit: opts.insnLimit } } : chosen;
  let prog = original;
  const base = { object: obj.file, program: prog.name, section: prog.section };
  const finish = (r: Omit<ModelProgramResult, 'object' | 'program' | 'section' | 'ms'>): ModelProgramResult =>
    ({ ...base, ...r, ms: Math.round((performance.now() - t0) * 1000) / 1000 });
  const unsupportedType = (): ModelProgramResult => {
    const message = `unsupported: program type ${prog.progType} (section ${prog.section})`;
    return finish({ verdict: 'unsupported', rule: UNSUPPORTED.progType.id, insn: null, message, messageLines: [message], stateAt: null, insnProcessed: 0 });
  };
  // a type without a ctx layout is still checked before the walk (its checks need no ctx)
  if (prog.progType === 'unknown') return unsupportedType();
  try {
    // libbpf applies CO-RE relocations before the kernel sees the program
    prog = relocateCore(obj, original, opts.targetBtf ?? null);
    // before the walk, in bpf_check's order: add_subprog_and_kfunc (kfunc licence),
    // check_subprogs, resolve_pseudo_ldimm64 (one pass in insn order: the raw-field checks and
    // check_map_prog_compatibility, the graph precheck; the first by index wins), check_cfg
    const resolve = first(scanInsns(prog.insns, profile.rules, profile.switches.insnFieldsBeforeWalk), opts.hooks ? null : graphPrecheck(obj, prog, profile));
    const pre = kfuncLicenceCheck(obj, prog, profile.rules) ?? checkSubprogs(prog, profile.rules) ?? resolve ?? checkCfg(prog, profile.rules);
    if (pre) return finish({ verdict: pre.kind, rule: pre.rule, insn: pre.insn, message: pre.message, messageLines: [...(pre.before ?? []), pre.message], stateAt: null, insnProcessed: 0 });
    if (!MODELLED_PROG_TYPES.has(prog.progType)) return unsupportedType();
    const env = makeEnv(obj, prog, profile, opts.hooks ?? graphHooks, !!opts.trace);
    const w = verifyProgram(env);
    const f = w.finding;
    return finish({
      verdict: f ? f.kind : 'accept', rule: f?.rule ?? null, insn: f?.insn ?? null, message: f?.message ?? null,
      messageLines: f ? [...(f.before ?? []), f.message] : null,
      stateAt: w.stateAt, insnProcessed: w.insnProcessed, ...(w.trace ? { trace: w.trace } : {}),
    });
  } catch (err) {
    // An input the readers accepted but the walk found unusable (InputError: corrupt BTF...) is
    // `error`; anything else is a bug in the model: `model-error` with its stack, never a verdict.
    if (err instanceof InputError) {
      return finish({ verdict: 'error', rule: 'model.input', insn: null, message: err.message, messageLines: [err.message], stateAt: null, insnProcessed: 0 });
    }
    return finish(internalError(err));
  }
}

/** The finding at the lower instruction index (two checks of one pass in insn order). */
function first(a: Finding | null, b: Finding | null): Finding | null {
  return a && b ? (b.insn < a.insn ? b : a) : a ?? b;
}

/** An exception inside the model, as a result that says so (message, stack). */
export function internalError(err: unknown): Omit<ModelProgramResult, 'object' | 'program' | 'section' | 'ms'> {
  const e = err instanceof Error ? err : new Error(String(err));
  const message = `internal model error: ${e.name}: ${e.message}`;
  return { verdict: 'model-error', rule: 'model.internal', insn: null, message, messageLines: [message], stateAt: null, insnProcessed: 0, stack: e.stack ?? message };
}

/** Every program of the object (or only `opts.program`), in object order. */
export function modelObject(obj: BpfObject, opts: ModelOptions = {}): ModelProgramResult[] {
  const progs = opts.program ? obj.programs.filter((p) => p.name === opts.program) : obj.programs;
  return progs.map((p) => modelProgram(obj, p, opts));
}
