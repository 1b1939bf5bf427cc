// The graph helpers: bpf_spin_lock (93), bpf_spin_unlock (94), bpf_kptr_xchg (194), checked as
// check_helper_call/check_func_arg do (read_ok, check_reg_type, check_func_arg_reg_off, then
// process_spin_lock / process_kptr_func / map_kptr_match_type), plus do_check's lock rules for
// calls and the exit checks.
import { regArg, unsupported, type Finding } from '../finding.js';
import { DONE, PASS, found, type HookCtx, type HookResult } from '../hooks.js';
import { regTypeStr } from '../print.js';
import {
  F, T, acquireReference, baseType, curFrame, forEachReg, isNullReg, markNotInit, markUnknown, regPtr, releaseReference, typeIsNonOwningRef,
  type FuncState, type RegState,
} from '../state.js';
import { tnumIsConst } from '../tnum.js';
import { checkPtrOffReg } from './kfunc-args.js';
import { loadContext, lockPtr, regRecord } from './context.js';
import { CORE, demoteRcuRefs, fail, inRbtreeCb, inRcuCs } from './util.js';
import type { BtfField } from './records.js';
import { UNSUPPORTED } from '../../rules/index.js';

export const BPF_FUNC_spin_lock = 93, BPF_FUNC_spin_unlock = 94, BPF_FUNC_kptr_xchg = 194;

type Call = { kind: 'helper'; id: number; name: string } | { kind: 'kfunc'; name: string; moduleOff: number } | { kind: 'subprog'; subprog: number; global: boolean };

/** do_check's rule for calls while a bpf_spin_lock is held (and check_func_call's for global subprogs). */
export function beforeCall(ctx: HookCtx, call: Call): Finding | null {
  if (!ctx.state.activeLock) return null;
  switch (call.kind) {
    case 'helper':
      if (call.id === BPF_FUNC_spin_unlock) return null;
      if (call.id === BPF_FUNC_kptr_xchg && ctx.profile.switches.kptrXchgInGraph) return null;
      return fail(ctx, 'graph.lock.call_while_locked');
    case 'kfunc': {
      if (call.moduleOff !== 0) return fail(ctx, 'graph.lock.call_while_locked');
      const allowed = ctx.profile.kfuncLockAllowed(call.name, ctx.prog.progType);
      if (allowed === null) return unsupported(`kfunc ${call.name} while holding a lock (the line's tree does not register it: its flags are unknown)`, ctx.insnIdx, UNSUPPORTED.kfunc);
      return allowed ? null : fail(ctx, 'graph.lock.call_while_locked');
    }
    case 'subprog':
      if (!ctx.profile.switches.staticCallsUnderLock) return fail(ctx, 'graph.lock.call_while_locked');
      return call.global ? fail(ctx, 'graph.lock.global_call_while_locked') : null;
  }
}

/**
 * Main-program exit, before the core's leak check ('before-refs') and after it ('after-refs'):
 * 6.12 checks the lock, then RCU, then leaks; 7.x's check_resource_leak the lock, leaks, then RCU.
 */
export function exitChecks(ctx: HookCtx, exit: { mainProg: boolean; frame: FuncState; phase: 'before-refs' | 'after-refs' }): Finding | null {
  if (!exit.mainProg) return null;
  const rcuAfterRefs = ctx.profile.switches.rcuCounted;
  if (exit.phase === 'before-refs') {
    if (ctx.state.activeLock) return fail(ctx, 'graph.lock.missing_unlock');
    if (ctx.state.activeRcuLocks && !rcuAfterRefs) return fail(ctx, 'graph.rcu.missing_unlock');
    return null;
  }
  if (ctx.state.activeRcuLocks && rcuAfterRefs) return fail(ctx, 'graph.rcu.missing_unlock');
  return null;
}

const SPIN_LOCK_TYPES = [T.PTR_TO_MAP_VALUE, T.PTR_TO_BTF_ID | F.MEM_ALLOC] as number[];
const BTF_PTR_TYPES = [T.PTR_TO_BTF_ID, T.PTR_TO_BTF_ID | F.PTR_TRUSTED, T.PTR_TO_BTF_ID | F.MEM_RCU] as number[];
const BTF = T.PTR_TO_BTF_ID;
/** The cases of check_reg_type's `switch ((int)reg->type)` for BTF pointers (the rest is an internal error). */
const TYPE_MATCH_CASES = [
  BTF, BTF | F.PTR_TRUSTED, BTF | F.PTR_TRUSTED | F.PTR_MAYBE_NULL, BTF | F.MEM_RCU, BTF | F.PTR_MAYBE_NULL, BTF | F.PTR_MAYBE_NULL | F.MEM_RCU,
  BTF | F.MEM_ALLOC, BTF | F.MEM_PERCPU | F.MEM_ALLOC, BTF | F.MEM_PERCPU, BTF | F.MEM_PERCPU | F.MEM_RCU, BTF | F.MEM_PERCPU | F.PTR_TRUSTED,
] as number[];
const expectedStr = (types: number[]): string => types.map(regTypeStr).join(', ');

/** kptr_xchg_dest_types: 6.12's are the spin-lock ones; 7.x adds non-owning references. */
const KPTR_XCHG_DEST_GRAPH = [...SPIN_LOCK_TYPES, T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.NON_OWN_REF, T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.NON_OWN_REF | F.MEM_RCU];

/** check_reg_arg + check_reg_type + check_func_arg_reg_off for a map-value-or-local-object argument. */
function checkObjArg(ctx: HookCtx, regno: number, types: number[] = SPIN_LOCK_TYPES): Finding | null {
  const reg = ctx.reg(regno);
  if (reg.type === T.NOT_INIT) return fail(ctx, CORE.regNotInit, regno);
  if (!types.includes(reg.type)) return fail(ctx, CORE.argType, regArg(regno), regTypeStr(reg.type), expectedStr(types));
  if (reg.type === T.PTR_TO_MAP_VALUE) return null;
  return checkPtrOffReg(ctx, reg, regno, true);
}

export function graphHelper(ctx: HookCtx, id: number, name: string): HookResult {
  switch (id) {
    case BPF_FUNC_spin_lock: case BPF_FUNC_spin_unlock: return spinLock(ctx, id === BPF_FUNC_spin_lock);
    case BPF_FUNC_kptr_xchg: return kptrXchg(ctx, name);
    default: return PASS;
  }
}

function clobberCallerSaved(ctx: HookCtx): void {
  const regs = curFrame(ctx.state).regs;
  for (let i = 0; i <= 5; i++) markNotInit(regs[i]!);
}

/** process_spin_lock() */
function spinLock(ctx: HookCtx, isLock: boolean): HookResult {
  const argErr = checkObjArg(ctx, 1);
  if (argErr) return found(argErr);
  if (inRbtreeCb(ctx)) return found(fail(ctx, 'graph.rbtree_cb.spin_lock'));
  const reg = ctx.reg(1);
  const lc = loadContext(ctx.obj, ctx.profile);
  if (!tnumIsConst(reg.varOff)) return found(fail(ctx, 'graph.lock.var_off', regArg(1)));
  const map = reg.type === T.PTR_TO_MAP_VALUE ? reg.map : null;
  if (map && !lc.map(map).hasBtf) return found(fail(ctx, 'graph.lock.map_no_btf', map.name));
  const rec = regRecord(lc, reg);
  if (!rec || !rec.has('spin_lock')) return found(fail(ctx, 'graph.lock.no_lock_field', map ? 'map' : 'local', map ? map.name : 'kptr'));
  const off = BigInt(reg.off) + BigInt.asIntN(64, reg.varOff.value);
  if (BigInt(rec.spinLockOff) !== off) return found(fail(ctx, 'graph.lock.wrong_off', off, rec.spinLockOff));
  const ptr = lockPtr(reg)!;
  const s = ctx.state;
  if (isLock) {
    if (s.activeLock) return found(fail(ctx, 'graph.lock.two_locks'));
    s.activeLock = { ptr, id: reg.id };
  } else {
    if (!s.activeLock) return found(fail(ctx, 'graph.lock.unlock_without_lock'));
    if (s.activeLock.ptr !== ptr || s.activeLock.id !== reg.id) return found(fail(ctx, 'graph.lock.unlock_different'));
    // invalidate_non_owning_refs(): every non-owning reference, in every frame and spill, dies.
    forEachReg(s, (r) => { if (typeIsNonOwningRef(r.type)) markUnknown(r); });
    s.activeLock = null;
    // 7.x: leaving the lock may end RCU protection too (sleepable programs outside an RCU region)
    if (ctx.profile.switches.rcuCounted && !inRcuCs(ctx)) demoteRcuRefs(ctx);
  }
  clobberCallerSaved(ctx);
  return DONE;
}

/** bpf_kptr_xchg(dst, src): stash / take a local kptr. */
function kptrXchg(ctx: HookCtx, name: string): HookResult {
  const lc = loadContext(ctx.obj, ctx.profile);
  // R1: ARG_KPTR_XCHG_DEST
  const dErr = checkObjArg(ctx, 1, ctx.profile.switches.kptrXchgInGraph ? KPTR_XCHG_DEST_GRAPH : SPIN_LOCK_TYPES);
  if (dErr) return found(dErr);
  const dst = ctx.reg(1);
  const map = dst.type === T.PTR_TO_MAP_VALUE ? dst.map : null;
  if (map && !lc.map(map).hasBtf) return found(fail(ctx, 'graph.kptr.map_no_btf', map.name));
  const rec = regRecord(lc, dst);
  if (!tnumIsConst(dst.varOff)) return found(fail(ctx, 'graph.kptr.var_off', regArg(1)));
  if (!rec || !rec.has('kptr')) return found(fail(ctx, 'graph.kptr.no_kptr', regArg(1)));
  const kptrOff = dst.off + Number(BigInt.asIntN(64, dst.varOff.value));
  const field = rec.find(kptrOff, 'kptr');
  if (!field) return found(fail(ctx, 'graph.kptr.not_kptr_off', kptrOff));
  if (field.type !== 'kptr_ref' && field.type !== 'kptr_percpu') return found(fail(ctx, 'graph.kptr.not_referenced', kptrOff));
  if (field.kptr?.kernel) return found(unsupported(`${name} on a kernel-object kptr (struct ${field.kptr.name})`, ctx.insnIdx, UNSUPPORTED.kptr));

  // R2: ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE
  const src = ctx.reg(2);
  if (src.type === T.NOT_INIT) return found(fail(ctx, CORE.regNotInit, 2));
  const isNull = isNullReg(src);
  if (!isNull) {
    let t = src.type & ~F.PTR_MAYBE_NULL;
    if (t & F.MEM_ALLOC) t &= ~(F.MEM_ALLOC | F.MEM_PERCPU); // local kptrs are accepted as the source
    if (!BTF_PTR_TYPES.includes(t)) return found(fail(ctx, CORE.argType, regArg(2), regTypeStr(src.type), expectedStr(BTF_PTR_TYPES)));
    // check_reg_type then switches on the unmasked type: a maybe-NULL or RCU local object has no case
    if (!TYPE_MATCH_CASES.includes(src.type)) return found(fail(ctx, 'graph.kptr.type_match_internal'));
    if (src.btf?.btf !== 'prog') return found(unsupported(`${name} of a kernel object`, ctx.insnIdx, UNSUPPORTED.kptr));
    const mismatch = kptrMatch(ctx, field, src, 2);
    if (mismatch) return found(mismatch);
    if (src.off) return found(fail(ctx, 'kfunc.arg.release_off', regArg(2)));
    const offErr = checkPtrOffReg(ctx, src, 2, false);
    if (offErr) return found(offErr);
  }
  if (!src.refObjId && !isNull) return found(fail(ctx, 'graph.kptr.src_not_referenced', regArg(2), 'bpf_kptr_xchg'));

  if (src.refObjId) {
    // Percpu sources stay usable as MEM_RCU inside an RCU section; not modelled.
    if (src.type & F.MEM_PERCPU) return found(unsupported(`${name} of a percpu object`, ctx.insnIdx, UNSUPPORTED.kptr));
    if (!releaseReference(ctx.state, src.refObjId, ctx.profile.switches)) return found(unsupported(`${name}: release of a reference not held here`, ctx.insnIdx, UNSUPPORTED.kptr));
  }
  clobberCallerSaved(ctx);
  const kid = field.kptr?.typeId ?? 0;
  const r0 = regPtr(T.PTR_TO_BTF_ID | F.PTR_MAYBE_NULL | F.MEM_ALLOC | (field.type === 'kptr_percpu' ? F.MEM_PERCPU : 0), { btf: { btf: 'prog', id: kid } });
  r0.id = ctx.ids.next();
  const ref = acquireReference(ctx.state, ctx.ids, ctx.insnIdx);
  r0.id = ref;
  r0.refObjId = ref;
  curFrame(ctx.state).regs[0] = r0;
  return DONE;
}

/** map_kptr_match_type() for a local object stored into a kptr field. */
export function kptrMatch(ctx: HookCtx, field: BtfField, reg: RegState, regno: number): Finding | null {
  const targ = field.kptr?.name ?? '';
  const bad = (regName: string) => fail(ctx, 'graph.kptr.type_mismatch', regno, regTypeStr(reg.type), regName, regTypeStr(T.PTR_TO_BTF_ID), targ);
  if (baseType(reg.type) !== T.PTR_TO_BTF_ID) return bad('');
  const perm = F.PTR_MAYBE_NULL | F.MEM_ALLOC | (field.type === 'kptr_percpu' ? F.MEM_PERCPU : 0);
  if ((reg.type & ~0xff) & ~perm) return bad('');
  if ((field.type === 'kptr_percpu') !== !!(reg.type & F.MEM_PERCPU)) return bad('');
  let regName = '';
  try { regName = reg.btf ? ctx.btf?.get(reg.btf.id).name ?? '' : ''; } catch { regName = ''; }
  const offErr = checkPtrOffReg(ctx, reg, regno, true);
  if (offErr) return offErr;
  const same = reg.off === 0 && reg.btf !== null && ctx.btf !== null && ctx.btf.resolveId(reg.btf.id) === field.kptr?.typeId;
  return same ? null : bad(regName);
}
