// Calls and exits: kfuncs (hooks), static and global bpf-to-bpf calls, callback frames, and BPF_EXIT
// (exit hooks, check_reference_leak, prepare_func_exit, check_return_code). Helpers: helper-call.ts.
import type { Insn } from '../../bpf/insn.js';
import { reject, unsupported, type Finding } from '../finding.js';
import { regTypeStr } from '../print.js';
import { CORE, UNSUPPORTED } from '../../rules/index.js';
import {
  F, T, curFrame, markNotInit, newFrame, regUnknown, type RefState, type RegState,
} from '../state.js';
import { tnumIsConst, tnumStr } from '../tnum.js';
import { next, stop, type Env, type Path, type Step } from './env.js';
import { helperCall, helperMem } from './helper-call.js';
import { checkRead } from './operands.js';
import { hookCtxAt } from './callbacks.js';


export function callInsn(env: Env, path: Path, insn: Extract<Insn, { kind: 'call' }>, idx: number): Step {
  switch (insn.target) {
    case 'helper': return helperCall(env, path, insn.imm, idx);
    case 'kfunc': {
      const rel = env.prog.relocs.get(idx);
      const name = rel?.kind === 'kfunc' ? rel.name : `kfunc#${insn.imm}`;
      const ctx = hookCtxAt(env, path, idx);
      const bc = env.hooks.beforeCall(ctx, { kind: 'kfunc', name, moduleOff: insn.off });
      if (bc) return stop(bc);
      const h = env.hooks.kfunc(ctx, name, rel?.kind === 'kfunc' ? rel.btfTypeId : null);
      if (h.kind === 'finding') return stop(h.finding);
      if (h.kind === 'done') return next(idx + 1);
      return stop(unsupported(`kfunc ${name}`, idx, UNSUPPORTED.kfunc));
    }
    case 'subprog': return subprogCall(env, path, idx + 1 + insn.imm, idx);
  }
}

function subprogCall(env: Env, path: Path, target: number, idx: number): Step {
  const fi = env.prog.funcs.findIndex((f) => f.start === target);
  if (fi < 0) return stop(unsupported(`call to insn ${target} which starts no function`, idx));
  const func = env.prog.funcs[fi]!;
  const global = func.linkage === 'global';
  const st = path.state;
  const ctx = hookCtxAt(env, path, idx);
  const bc = env.hooks.beforeCall(ctx, { kind: 'subprog', subprog: fi, global });
  if (bc) return stop(bc);
  if (st.frames.length >= env.profile.switches.maxCallFrames) return stop(reject(env.profile.rules, CORE.stackDepth, idx, st.frames.length + 1));
  const caller = curFrame(st);
  if (global) {
    const args = globalArgs(env, fi);
    if (typeof args === 'string') return stop(unsupported(`global function ${func.name}: ${args}`, idx, UNSUPPORTED.globalArgs));
    const mismatch = globalArgMismatch(env, path, idx, args);
    if (mismatch && mismatch.kind !== 'mismatch') return stop(mismatch);
    if (mismatch) return stop({ ...reject(env.profile.rules, CORE.globalInvalidArgs, idx, kernelSubprogNo(env, fi), func.name), before: mismatch.lines });
    env.calledGlobals.add(fi);
    for (let r = 1; r <= 5; r++) markNotInit(caller.regs[r]!);
    caller.regs[0] = regUnknown();
    return next(idx + 1);
  }
  const callee = newFrame(st.frames.length, idx, fi);
  for (let r = 1; r <= 5; r++) callee.regs[r] = { ...caller.regs[r]! };
  for (let r = 0; r <= 5; r++) markNotInit(caller.regs[r]!);
  st.frames.push(callee);
  return next(target);
}

/**
 * btf_check_func_arg_match: the caller's R1-R5 against the global function's prototype. Returns the
 * lines the kernel logs for the first mismatching argument (they precede "Caller passes invalid
 * args"), an unsupported finding, or null when every argument matches.
 */
function globalArgMismatch(env: Env, path: Path, idx: number, args: GlobalArg[]): { kind: 'mismatch'; lines: string[] } | Finding | null {
  const caller = curFrame(path.state);
  const lines = (f: Finding): { kind: 'mismatch'; lines: string[] } => ({ kind: 'mismatch', lines: [...(f.before ?? []), f.message] });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const regno = i + 1;
    const r = caller.regs[regno]!;
    switch (a.kind) {
      case 'scalar':
        if (r.type !== T.SCALAR_VALUE) return { kind: 'mismatch', lines: [`R${regno} is not a scalar`] };
        continue;
      case 'ctx': {
        const off = ptrOffCheck(r, regno, idx);
        if (off) return lines(off);
        if (r.type !== T.PTR_TO_CTX) return { kind: 'mismatch', lines: [`arg#${i} expects pointer to ctx`] };
        continue;
      }
      case 'mem': {
        const off = ptrOffCheck(r, regno, idx);
        if (off) return lines(off);
        // check_mem_reg: NULL passes; otherwise the memory is checked as read, then as written
        if (r.type === T.SCALAR_VALUE && tnumIsConst(r.varOff) && r.varOff.value === 0n) continue;
        const base = r.type & ~F.PTR_MAYBE_NULL;
        if (base !== T.PTR_TO_STACK && base !== T.PTR_TO_MAP_VALUE && base !== T.PTR_TO_MEM) {
          if (r.type === T.SCALAR_VALUE || r.type === T.NOT_INIT || r.type === T.CONST_PTR_TO_MAP || r.type === T.PTR_TO_FUNC) {
            return { kind: 'mismatch', lines: [`R${regno} type=${regTypeStr(r.type)} expected=${regTypeStr(T.PTR_TO_STACK)}`] };
          }
          return unsupported(`global function argument ${regno} of type ${regTypeStr(r.type)}`, idx, UNSUPPORTED.globalArgs);
        }
        const asMem = { ...r, type: base };
        const rd = helperMem(env, path, idx, regno, asMem, a.size, false);
        if (rd) return rd.kind === 'unsupported' ? rd : lines(rd);
        if (base === T.PTR_TO_MAP_VALUE && r.map?.kind === 'datasec' && r.map.section.startsWith('.rodata')) {
          return lines(reject(env.profile.rules, CORE.mapWriteRdonly, idx, r.map.valueSize ?? 0, r.off, a.size));
        }
        const wr = helperMem(env, path, idx, regno, asMem, a.size, true);
        if (wr) return wr.kind === 'unsupported' ? wr : lines(wr);
        continue;
      }
    }
  }
  return null;
}

/**
 * check_func_arg_reg_off(.., ARG_DONTCARE): memory pointers may carry offsets; any other pointer
 * (ctx, and maybe-NULL pointers, whose type is not in the kernel's list) must sit at offset 0.
 */
function ptrOffCheck(r: RegState, regno: number, idx: number): Finding | null {
  const OFF_OK = [T.SCALAR_VALUE, T.PTR_TO_STACK, T.PTR_TO_MAP_KEY, T.PTR_TO_MAP_VALUE, T.PTR_TO_MEM, T.PTR_TO_MEM | F.MEM_RDONLY, T.PTR_TO_MEM | F.MEM_RINGBUF, T.PTR_TO_BUF];
  if (OFF_OK.includes(r.type) || r.type === T.NOT_INIT) return null;
  if (r.type !== T.PTR_TO_CTX && (r.type & ~F.PTR_MAYBE_NULL) !== T.PTR_TO_MAP_VALUE && (r.type & ~F.PTR_MAYBE_NULL) !== T.PTR_TO_MEM) return null; // others: left to the type checks
  if (r.off) return { kind: 'reject', rule: CORE.ctxModified.id, insn: idx, message: `dereference of modified ${regTypeStr(r.type)} ptr R${regno} off=${r.off} disallowed` };
  if (!tnumIsConst(r.varOff) || r.varOff.value !== 0n) return { kind: 'reject', rule: CORE.ctxVarOff.id, insn: idx, message: `variable ${regTypeStr(r.type)} access var_off=${tnumStr(r.varOff)} disallowed` };
  return null;
}

export type GlobalArg = { kind: 'scalar' } | { kind: 'ctx' } | { kind: 'mem'; size: number };

/** The ctx struct a global function's pointer parameter must name for this program type (btf_is_prog_ctx_type). */
const CTX_STRUCT: Partial<Record<string, string>> = { sched_cls: '__sk_buff', sched_act: '__sk_buff', socket_filter: '__sk_buff', cgroup_skb: '__sk_buff', xdp: 'xdp_md' };

/**
 * btf_prepare_func_args for a global function: each parameter is a scalar, the program's ctx, or
 * memory of the pointee's size (maybe NULL). A string names what the model does not model.
 */
export function globalArgs(env: Env, fi: number): GlobalArg[] | string {
  const func = env.prog.funcs[fi]!;
  const btf = env.btf;
  if (!btf || func.btfTypeId === null) return 'no BTF for the function';
  const f = btf.get(func.btfTypeId);
  if (f.kind !== 'func') return 'BTF is not a FUNC';
  const proto = btf.get(f.type);
  if (proto.kind !== 'func_proto') return 'BTF is not a FUNC_PROTO';
  if (btf.declTags(func.btfTypeId).some((t) => t.componentIdx >= 0 && t.value.startsWith('arg:'))) return 'arg: decl tags';
  const out: GlobalArg[] = [];
  for (const p of proto.params) {
    const t = btf.resolve(p.type);
    if (t.kind === 'int' || t.kind === 'enum' || t.kind === 'enum64') { out.push({ kind: 'scalar' }); continue; }
    if (t.kind !== 'ptr') return `parameter ${p.name} of kind ${t.kind}`;
    const pointee = btf.resolve(t.type);
    const ctxName = CTX_STRUCT[env.prog.progType];
    if (pointee.kind === 'struct' && ctxName && pointee.name === ctxName) { out.push({ kind: 'ctx' }); continue; }
    if (pointee.kind === 'struct' && pointee.name === 'bpf_dynptr') return `parameter ${p.name}: dynptr`;
    const size = btf.sizeOf(t.type);
    if (size === null || size === 0) return `parameter ${p.name}: pointee size unknown`;
    out.push({ kind: 'mem', size });
  }
  return out;
}

/** The kernel numbers subprograms by start instruction. */
const kernelSubprogNo = (env: Env, fi: number): number =>
  [...env.prog.funcs].sort((a, b) => a.start - b.start).findIndex((f) => f === env.prog.funcs[fi]);

/** check_reference_leak: one line per reference still held (then, on lines that print it, which exit leaks). */
function leakCheck(env: Env, path: Path, idx: number): Finding | null {
  const st = path.state;
  const f = curFrame(st);
  // subprogram exits are not checked; callback exits only on lines whose refs know their callback
  if (st.frames.length > 1 && !(f.inCallbackFn && env.profile.switches.callbackRefs)) return null;
  const refs = st.refs.filter((r) => !(f.inCallbackFn && r.callbackRef !== f.frameno));
  if (!refs.length) return null;
  // one "Unreleased reference" line per ref; lines that name the leaking exit print that once,
  // after the last (the rule's second line: "%s would lead to reference leak")
  const leak = (r: RefState): Finding => reject(env.profile.rules, CORE.unreleasedRef, idx, r.id, r.insnIdx, 'BPF_EXIT instruction in main prog');
  const refLines = refs.slice(0, -1).map((r) => { const f = leak(r); return f.before?.[0] ?? f.message; });
  const last = leak(refs[refs.length - 1]!);
  return { ...last, before: [...refLines, ...(last.before ?? [])] };
}

function scalarRangeMsg(r: RegState): string {
  let s = '';
  if (r.smin > -(1n << 63n)) s += ` smin=${r.smin}`;
  if (r.smax < (1n << 63n) - 1n) s += ` smax=${r.smax}`;
  return s || ' unknown scalar value';
}

export function exitInsn(env: Env, path: Path, idx: number): Step {
  const st = path.state;
  const f = curFrame(st);
  const main = st.frames.length === 1;
  const ctx = hookCtxAt(env, path, idx);
  const h = env.hooks.exitChecks(ctx, { mainProg: main, frame: f, phase: 'before-refs' });
  if (h) return stop(h);
  const leak = leakCheck(env, path, idx);
  if (leak) return stop(leak);
  const after = env.hooks.exitChecks(ctx, { mainProg: main, frame: f, phase: 'after-refs' });
  if (after) return stop(after);
  if (!main) {
    const r0 = f.regs[0]!;
    if (r0.type === T.PTR_TO_STACK) return stop(reject(env.profile.rules, CORE.retStackPointer, idx));
    const caller = st.frames[st.frames.length - 2]!;
    if (f.inCallbackFn) {
      if (r0.type !== T.SCALAR_VALUE) return stop(reject(env.profile.rules, CORE.cbRetNotScalar, idx, 0));
      const [lo, hi] = f.callbackRetRange;
      if (r0.smin < lo || r0.smax > hi) return stop(reject(env.profile.rules, CORE.retRange, idx, 'At callback return', 'R0', scalarRangeMsg(r0), lo, hi));
      st.frames.pop();
      return next(f.callsite); // the call is re-executed; pruning at the callsite ends the iteration
    }
    caller.regs[0] = { ...r0 };
    st.frames.pop();
    return next(f.callsite + 1);
  }
  // check_return_code
  const e = checkRead(env, st, 0, idx); if (e) return e;
  const r0 = f.regs[0]!;
  if (f.subprog !== 0) {
    if (r0.type !== T.SCALAR_VALUE) return stop(reject(env.profile.rules, CORE.subprogRetNotScalar, idx, 0, regTypeStr(r0.type)));
    return { kind: 'end' };
  }
  const range = returnRange(env);
  if (range) {
    if (r0.type !== T.SCALAR_VALUE) return stop(reject(env.profile.rules, CORE.retNotKnown, idx, 'At program exit', 0, regTypeStr(r0.type)));
    if (r0.smin < range[0] || r0.smax > range[1]) {
      return stop(reject(env.profile.rules, CORE.retRange, idx, 'At program exit', 'R0', scalarRangeMsg(r0), range[0], range[1]));
    }
  }
  return { kind: 'end' };
}

/** The return range check_return_code enforces for this program type (null = any value). */
function returnRange(env: Env): [bigint, bigint] | null {
  const { progType, section } = env.prog;
  if (progType === 'tracing' && /^(fentry|fexit)(\.s)?\//.test(section)) return [0n, 0n];
  return null;
}
