// Calls and exits: helpers (helpers.ts table; graph helpers via hooks), kfuncs (hooks), static
// and global bpf-to-bpf calls, callback frames, and BPF_EXIT (exit hooks, check_reference_leak,
// prepare_func_exit, check_return_code).
import type { Insn } from '../../bpf/insn.js';
import { reject, unsupported, type Finding } from '../finding.js';
import type { CallbackSpec } from '../hooks.js';
import { helperById, helperName, PLAIN_MAP_TYPES, type ArgKind } from '../helpers.js';
import { regTypeStr } from '../print.js';
import { CORE } from '../rules/core.js';
import type { BpfMap as BpfMapLike } from '../../object/types.js';
import {
  F, T, cloneState, curFrame, markNotInit, newFrame, regNotInit, regPtr, regUnknown, slotIndex, type RegState,
} from '../state.js';
import { tnumIsConst } from '../tnum.js';
import { hookCtx, next, stop, type Env, type Path, type Step } from './env.js';
import { regionAccess } from './mem.js';
import { checkRead } from './step.js';

const MEM_TYPES = [T.PTR_TO_STACK, T.PTR_TO_PACKET, T.PTR_TO_PACKET_META, T.PTR_TO_MAP_KEY, T.PTR_TO_MAP_VALUE, T.PTR_TO_MEM, T.PTR_TO_MEM | F.MEM_RINGBUF, T.PTR_TO_BUF, T.PTR_TO_BTF_ID | F.PTR_TRUSTED];
const MEM_EXPECTED = MEM_TYPES.map(regTypeStr).join(', ');
const zeroSized = { id: 'call.zero_sized_read', format: 'R%d invalid zero-sized read: u64=[%lld,%lld]', kernelFn: 'check_mem_size_reg', doc: 'size argument may be zero' };
const sizeNeg = { id: 'call.size_negative', format: "R%d min value is negative, either use unsigned or 'var &= const'", kernelFn: 'check_mem_size_reg', doc: 'size argument may be negative' };
const sizeUnbounded = { id: 'call.size_unbounded', format: "R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", kernelFn: 'check_mem_size_reg', doc: 'size argument has no upper bound' };
const indirectStack = { id: 'stack.invalid_indirect_access', format: 'invalid indirect access to stack R%d off=%d size=%d', kernelFn: 'check_stack_access_within_bounds', doc: 'helper memory argument outside the stack' };
const invalidArgs = { id: 'call.global_invalid_args', format: "Caller passes invalid args into func#%d ('%s')", kernelFn: 'check_func_call / btf_check_func_arg_match', doc: 'a global subprog argument does not match its BTF prototype (after "R%d is not a scalar", "arg#%d expects pointer to ctx"...)' };
const retStack = { id: 'ret.stack_pointer', format: 'cannot return stack pointer to the caller', kernelFn: 'prepare_func_exit', doc: 'subprog returns a pointer to its own stack' };

export function callInsn(env: Env, path: Path, insn: Extract<Insn, { kind: 'call' }>, idx: number): Step {
  switch (insn.target) {
    case 'helper': return helperCall(env, path, insn.imm, idx);
    case 'kfunc': {
      const rel = env.prog.relocs.get(idx);
      const name = rel?.kind === 'kfunc' ? rel.name : `kfunc#${insn.imm}`;
      const ctx = hookCtx(env, path, idx, (spec) => pushCallbackFrame(env, path, idx, spec));
      const bc = env.hooks.beforeCall(ctx, { kind: 'kfunc', name, moduleOff: insn.off });
      if (bc) return stop(bc);
      const h = env.hooks.kfunc(ctx, name, rel?.kind === 'kfunc' ? rel.btfTypeId : null);
      if (h.kind === 'finding') return stop(h.finding);
      if (h.kind === 'done') return next(idx + 1);
      return stop(unsupported(`kfunc ${name}`, idx, 'model.unsupported.kfunc'));
    }
    case 'subprog': return subprogCall(env, path, idx + 1 + insn.imm, idx);
  }
}

function helperCall(env: Env, path: Path, id: number, idx: number): Step {
  const name = helperName(id);
  if (!name) return stop(reject(CORE.invalidFunc, idx, 'unknown', id));
  const ctx = hookCtx(env, path, idx, (spec) => pushCallbackFrame(env, path, idx, spec));
  const bc = env.hooks.beforeCall(ctx, { kind: 'helper', id, name });
  if (bc) return stop(bc);
  const g = env.hooks.graphHelper(ctx, id, name);
  if (g.kind === 'finding') return stop(g.finding);
  if (g.kind === 'done') return next(idx + 1);
  const spec = helperById(id);
  if (!spec) return stop(unsupported(`helper ${name}#${id}`, idx, 'model.unsupported.helper'));
  if (spec.progTypes !== 'base' && !spec.progTypes.includes(env.prog.progType)) {
    return stop(unsupported(`helper ${name}#${id} in a ${env.prog.progType} program`, idx, 'model.unsupported.helper'));
  }
  const regs = curFrame(path.state).regs;
  let map: BpfMapLike | null = null;
  for (let i = 0; i < spec.args.length; i++) {
    const regno = i + 1;
    const e = checkRead(env, path.state, regno, idx); if (e) return e;
    const f = checkArg(env, path, idx, regno, spec.args[i]!, regs, map, (m) => { map = m; });
    if (f) return stop(f);
  }
  if (spec.callback === 'loop') loopCallback(env, path, idx);
  for (let r = 1; r <= 5; r++) markNotInit(regs[r]!);
  switch (spec.ret) {
    case 'integer': regs[0] = regUnknown(); break;
    case 'void': regs[0] = regNotInit(); break;
    case 'map_value_or_null': {
      const r = regPtr(T.PTR_TO_MAP_VALUE | F.PTR_MAYBE_NULL, { map });
      r.id = env.ids.next();
      regs[0] = r;
      break;
    }
  }
  return next(idx + 1);
}

/** BPF_FUNC_loop: queue the callback while callback_depth < nr_loops (set_loop_callback_state). */
function loopCallback(env: Env, path: Path, idx: number): void {
  const caller = curFrame(path.state);
  const fn = caller.regs[2]!;
  if (BigInt(caller.callbackDepth) < caller.regs[1]!.umax) {
    pushCallbackFrame(env, path, idx, {
      subprog: fn.subprog, callbackOf: 'bpf_loop', retRange: [0n, 1n],
      setup(callee, cloneCaller) {
        callee.regs[1] = regUnknown();
        callee.regs[2] = { ...cloneCaller.regs[3]! };
        cloneCaller.callbackDepth++;
      },
    });
  }
  caller.callbackDepth = 0;
}

function typeMismatch(idx: number, regno: number, reg: RegState, expected: string): Finding {
  return reject(CORE.argType, idx, regno, regTypeStr(reg.type), expected);
}

function checkArg(env: Env, path: Path, idx: number, regno: number, kind: ArgKind, regs: RegState[], map: BpfMapLike | null,
  setMap: (m: BpfMapLike) => void): Finding | null {
  const reg = regs[regno]!;
  switch (kind) {
    case 'anything': return null;
    case 'const_map_ptr':
      if (reg.type !== T.CONST_PTR_TO_MAP) return typeMismatch(idx, regno, reg, 'map_ptr');
      if (reg.map!.kind === 'map' && !PLAIN_MAP_TYPES.has(reg.map!.mapType ?? -1)) {
        return unsupported(`helper on map type ${reg.map!.mapType} (${reg.map!.name})`, idx, 'model.unsupported.map_type');
      }
      setMap(reg.map!);
      return null;
    case 'map_key': case 'map_value': {
      if (!MEM_TYPES.includes(reg.type)) return typeMismatch(idx, regno, reg, MEM_EXPECTED);
      const m = map!;
      const size = (kind === 'map_key' ? m.keySize : m.valueSize) ?? 0;
      return helperMem(env, path, idx, regno, reg, size, false);
    }
    case 'mem_rdonly': case 'uninit_mem': {
      const ok = MEM_TYPES.includes(reg.type) || (kind === 'mem_rdonly' && MEM_TYPES.includes(reg.type & ~F.MEM_RDONLY));
      if (!ok) return typeMismatch(idx, regno, reg, MEM_EXPECTED);
      const sz = regs[regno + 1]!;
      const e = checkRead(env, path.state, regno + 1, idx); if (e && e.kind === 'finding') return e.finding;
      if (sz.type !== T.SCALAR_VALUE) return typeMismatch(idx, regno + 1, sz, 'scalar');
      if (sz.smin < 0n) return reject(sizeNeg, idx, regno + 1);
      if (sz.umin === 0n) return reject(zeroSized, idx, regno + 1, sz.umin, sz.umax);
      if (sz.umax >= 1n << 29n) return reject(sizeUnbounded, idx, regno + 1);
      return helperMem(env, path, idx, regno, reg, Number(sz.umax), kind === 'uninit_mem');
    }
    case 'const_size': case 'const_size_or_zero':
      return null; // checked with the memory argument before it
    case 'func':
      if (reg.type !== T.PTR_TO_FUNC) return typeMismatch(idx, regno, reg, 'func');
      return null;
    case 'stack_or_null':
      if (reg.type === T.SCALAR_VALUE && tnumIsConst(reg.varOff) && reg.varOff.value === 0n) return null;
      if (reg.type !== T.PTR_TO_STACK) return typeMismatch(idx, regno, reg, 'fp');
      return null;
  }
}

/** check_helper_mem_access: `size` bytes at reg must be accessible (and are written when `write`). */
function helperMem(env: Env, path: Path, idx: number, regno: number, reg: RegState, size: number, write: boolean): Finding | null {
  switch (reg.type) {
    case T.PTR_TO_STACK: {
      if (!tnumIsConst(reg.varOff)) return unsupported('variable-offset stack pointer passed to a helper', idx);
      const off = reg.off + Number(BigInt.asIntN(64, reg.varOff.value));
      if (off < -512 || off + size > 0 || size <= 0) return reject(indirectStack, idx, regno, reg.off, size);
      const f = path.state.frames.find((x) => x.frameno === reg.frameno)!;
      if (write) {
        for (let b = off; b < off + size; b++) {
          const spi = slotIndex(b);
          while (f.stack.length <= spi) f.stack.push({ bytes: Array(8).fill('invalid'), spilled: null });
          const slot = f.stack[spi]!;
          if (slot.bytes[7] === 'spill') { slot.bytes = slot.bytes.map((x) => (x === 'invalid' ? 'invalid' : 'misc')); slot.spilled = null; }
          slot.bytes[(-b - 1) % 8] = 'misc';
        }
      }
      return null;
    }
    case T.PTR_TO_MAP_VALUE: case T.PTR_TO_MAP_VALUE | F.MEM_RDONLY:
      if (write && reg.map!.kind === 'datasec' && reg.map!.section.startsWith('.rodata')) {
        return reject({ id: 'map.write_rdonly', format: 'write into map forbidden, value_size=%d off=%d size=%d', kernelFn: 'check_map_access_type', doc: '' }, idx, reg.map!.valueSize ?? 0, reg.off, size);
      }
      return regionAccess(idx, regno, reg, reg.off, size, reg.map!.valueSize ?? 0);
    case T.PTR_TO_MEM: case T.PTR_TO_MEM | F.MEM_RDONLY:
      return regionAccess(idx, regno, reg, reg.off, size, reg.memSize);
    default:
      return unsupported(`helper memory argument of type ${regTypeStr(reg.type)}`, idx);
  }
}

function subprogCall(env: Env, path: Path, target: number, idx: number): Step {
  const fi = env.prog.funcs.findIndex((f) => f.start === target);
  if (fi < 0) return stop(unsupported(`call to insn ${target} which starts no function`, idx));
  const func = env.prog.funcs[fi]!;
  const global = func.linkage === 'global';
  const st = path.state;
  const ctx = hookCtx(env, path, idx, (spec) => pushCallbackFrame(env, path, idx, spec));
  const bc = env.hooks.beforeCall(ctx, { kind: 'subprog', subprog: fi, global });
  if (bc) return stop(bc);
  if (st.frames.length >= env.profile.maxCallFrames) return stop(reject(CORE.stackDepth, idx, st.frames.length + 1));
  const caller = curFrame(st);
  if (global) {
    const args = globalArgs(env, fi);
    if (typeof args === 'string') return stop(unsupported(`global function ${func.name}: ${args}`, idx, 'model.unsupported.global_args'));
    const bad = (): Step => stop(reject(invalidArgs, idx, kernelSubprogNo(env, fi), func.name));
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const r = caller.regs[i + 1]!;
      if (a.kind === 'scalar') { if (r.type !== T.SCALAR_VALUE) return bad(); continue; }
      if (a.kind === 'ctx') { if (r.type !== T.PTR_TO_CTX || r.off !== 0 || !tnumIsConst(r.varOff) || r.varOff.value !== 0n) return bad(); continue; }
      // ARG_PTR_TO_MEM | PTR_MAYBE_NULL: NULL, or `size` accessible bytes (check_mem_reg)
      if (r.type === T.SCALAR_VALUE && tnumIsConst(r.varOff) && r.varOff.value === 0n) continue;
      const base = r.type & ~F.PTR_MAYBE_NULL;
      if (base !== T.PTR_TO_STACK && base !== T.PTR_TO_MAP_VALUE && base !== T.PTR_TO_MEM) {
        return stop(unsupported(`global function ${func.name}: argument ${i + 1} of type ${regTypeStr(r.type)}`, idx, 'model.unsupported.global_args'));
      }
      const f = helperMem(env, path, idx, i + 1, { ...r, type: base }, a.size, false);
      if (f) return f.kind === 'unsupported' ? stop(f) : bad();
    }
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

/** push_callback_call: queue a copy of the state with a new frame running the callback. */
export function pushCallbackFrame(env: Env, path: Path, idx: number, spec: CallbackSpec): void {
  const cb = cloneState(path.state);
  const caller = curFrame(cb);
  const callee = newFrame(cb.frames.length, idx, spec.subprog);
  callee.inCallbackFn = true;
  callee.callbackOf = spec.callbackOf;
  callee.callbackRetRange = spec.retRange;
  spec.setup(callee, caller, cb);
  cb.frames.push(callee);
  cb.callbackUnrollDepth = (cb.callbackUnrollDepth ?? 0) + 1;
  env.callbackSites.add(idx);
  env.pending.push({ state: cb, insn: env.prog.funcs[spec.subprog]!.start, parent: path.parent });
  if (path.parent) path.parent.branches++;
}

function leakCheck(env: Env, path: Path, idx: number): Finding | null {
  const st = path.state;
  const f = curFrame(st);
  if (st.frames.length > 1 && !f.inCallbackFn) return null;
  const refs = st.refs.filter((r) => !(f.inCallbackFn && r.callbackRef !== f.frameno));
  if (!refs.length) return null;
  const last = refs[refs.length - 1]!;
  return reject(CORE.unreleasedRef, idx, last.id, last.insnIdx);
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
  const ctx = hookCtx(env, path, idx, (spec) => pushCallbackFrame(env, path, idx, spec));
  const h = env.hooks.exitChecks(ctx, { mainProg: main, frame: f });
  if (h) return stop(h);
  const leak = leakCheck(env, path, idx);
  if (leak) return stop(leak);
  if (!main) {
    const r0 = f.regs[0]!;
    if (r0.type === T.PTR_TO_STACK) return stop(reject(retStack, idx));
    const caller = st.frames[st.frames.length - 2]!;
    if (f.inCallbackFn) {
      if (r0.type !== T.SCALAR_VALUE) return stop(reject(CORE.cbRetNotScalar, idx, 0));
      const [lo, hi] = f.callbackRetRange;
      if (r0.smin < lo || r0.smax > hi) return stop(reject(CORE.retRange, idx, 'At callback return', 'R0', scalarRangeMsg(r0), lo, hi));
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
    if (r0.type !== T.SCALAR_VALUE) return stop(reject(CORE.subprogRetNotScalar, idx, 0, regTypeStr(r0.type)));
    return { kind: 'end' };
  }
  const range = returnRange(env);
  if (range) {
    if (r0.type !== T.SCALAR_VALUE) return stop(reject(CORE.retNotKnown, idx, 'At program exit', 0, regTypeStr(r0.type)));
    if (r0.smin < range[0] || r0.smax > range[1]) {
      return stop(reject(CORE.retRange, idx, 'At program exit', 'R0', scalarRangeMsg(r0), range[0], range[1]));
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
