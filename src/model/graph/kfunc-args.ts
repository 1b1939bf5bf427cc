// check_kfunc_args() for the graph kfuncs, argument by argument in the kernel's order, including
// check_func_arg_reg_off() and __process_kf_arg_ptr_to_graph_root / _node. Returns the facts the
// call needs afterwards (the kernel's bpf_kfunc_call_arg_meta) or the first finding.
import type { Finding } from '../finding.js';
import type { HookCtx } from '../hooks.js';
import { F, T, baseType, isConst, isNullReg, typeIsNonOwningRef, typeIsPtrAllocObj, typeMayBeNull, type RegState } from '../state.js';
import { s64, tnumAdd, tnumConst, tnumIsConst, tnumStr } from '../tnum.js';
import { argReg, regArg, unsupported } from '../finding.js';
import { hasFlag, isTrustedArgs, type KfuncSpec } from './kfuncs.js';
import { isRcuReg, isTrustedReg, loadContext, lockPtr, regRecord } from './context.js';
import { fieldTypeName, type BtfField } from './records.js';
import { fail, inRbtreeCb } from './util.js';
import { UNSUPPORTED } from '../../rules/index.js';

export interface ArgMeta {
  refObjId: number;               // meta->ref_obj_id: the last referenced pointer argument
  releaseRegno: number;           // meta->release_regno (0 = none)
  constValue: bigint | null;      // meta->arg_constant
  rootField: BtfField | null;     // meta->arg_list_head.field / arg_rbtree_root.field
  argBtfId: number | null;        // meta->arg_btf_id (program BTF)
  argOwningRef: boolean;          // meta->arg_owning_ref (refcount_acquire)
  callbackSubprog: number | null; // meta->subprogno
}

type Res = { ok: true; meta: ArgMeta } | { ok: false; finding: Finding };

const BTF_ID_FIXED_OFF_OK = new Set<number>([
  T.PTR_TO_BTF_ID, T.PTR_TO_BTF_ID | F.MEM_ALLOC, T.PTR_TO_BTF_ID | F.PTR_TRUSTED, T.PTR_TO_BTF_ID | F.MEM_RCU,
  T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.NON_OWN_REF, T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.NON_OWN_REF | F.MEM_RCU,
]);
const ANY_OFF_OK = new Set<number>([
  T.PTR_TO_STACK, T.PTR_TO_PACKET, T.PTR_TO_PACKET_META, T.PTR_TO_MAP_KEY, T.PTR_TO_MAP_VALUE, T.PTR_TO_MEM,
  T.PTR_TO_MEM | F.MEM_RDONLY, T.PTR_TO_MEM | F.MEM_RINGBUF, T.PTR_TO_BUF, T.PTR_TO_BUF | F.MEM_RDONLY, T.PTR_TO_ARENA,
  T.SCALAR_VALUE,
]);

/**
 * __check_ptr_off_reg(). 6.12 keeps a fixed offset (reg->off) beside var_off: negative ->
 * modified -> variable. 7.x folds it into var_off: variable (printed with it) -> negative -> modified.
 */
export function checkPtrOffReg(ctx: HookCtx, reg: RegState, regno: number, fixedOffOk: boolean): Finding | null {
  if (ctx.profile.switches.offInVarOff) {
    const full = fullVarOff(reg);
    if (!tnumIsConst(full)) return fail(ctx, 'kfunc.arg.var_off', ctx.typeStr(reg), tnumStr(full));
    const off = s64(full.value);
    if (off < 0n) return fail(ctx, 'kfunc.arg.negative_off', ctx.typeStr(reg), regArg(regno), off);
    if (!fixedOffOk && off !== 0n) return fail(ctx, 'kfunc.arg.modified_ptr', ctx.typeStr(reg), regArg(regno), off);
    return null;
  }
  if (reg.off < 0) return fail(ctx, 'kfunc.arg.negative_off', ctx.typeStr(reg), regArg(regno), reg.off);
  if (!fixedOffOk && reg.off) return fail(ctx, 'kfunc.arg.modified_ptr', ctx.typeStr(reg), regArg(regno), reg.off);
  if (!tnumIsConst(reg.varOff) || reg.varOff.value !== 0n) return fail(ctx, 'kfunc.arg.var_off', ctx.typeStr(reg), tnumStr(reg.varOff));
  return null;
}

/** A pointer's offset as 7.x holds it: var_off with the fixed offset added. */
export const fullVarOff = (reg: RegState) => tnumAdd(reg.varOff, tnumConst(BigInt(reg.off)));

/** check_func_arg_reg_off() / __check_func_arg_reg_off(.., btf_id_fixed_off_ok) */
export function checkFuncArgRegOff(ctx: HookCtx, reg: RegState, regno: number, release: boolean, btfIdFixedOffOk = true): Finding | null {
  if (release) {
    if (ctx.profile.switches.offInVarOff) {
      const full = fullVarOff(reg);
      if (!tnumIsConst(full) || full.value !== 0n) return fail(ctx, 'kfunc.arg.release_off', regArg(regno));
    } else {
      if (reg.off) return fail(ctx, 'kfunc.arg.release_off', regArg(regno));
      return checkPtrOffReg(ctx, reg, regno, false);
    }
  }
  if (ANY_OFF_OK.has(reg.type)) return null;
  return checkPtrOffReg(ctx, reg, regno, BTF_ID_FIXED_OFF_OK.has(reg.type) && btfIdFixedOffOk);
}

const structName = (ctx: HookCtx, id: number): string => {
  try { return ctx.btf?.get(id).name ?? ''; } catch { return ''; }
};

/** check_reg_allocation_locked(): does the held lock protect the root in `reg`? */
function allocationLocked(ctx: HookCtx, reg: RegState): 'ok' | 'none' | 'other' {
  const lock = ctx.state.activeLock;
  if (!lock) return 'none';
  return lock.ptr === lockPtr(reg) && lock.id === reg.id ? 'ok' : 'other';
}

export function checkKfuncArgs(ctx: HookCtx, spec: KfuncSpec): Res {
  const lc = loadContext(ctx.obj, ctx.profile);
  const sw = ctx.profile.switches;
  const meta: ArgMeta = { refObjId: 0, releaseRegno: 0, constValue: null, rootField: null, argBtfId: null, argOwningRef: false, callbackSubprog: null };
  const release = hasFlag(spec, 'KF_RELEASE');
  // 6.12: only KF_TRUSTED_ARGS / KF_RELEASE / KF_RCU kfuncs check their pointers for NULL; 7.x: all
  const nullChecked = sw.kfuncArgsAllTrusted || isTrustedArgs(spec) || hasFlag(spec, 'KF_RCU');
  const bad = (finding: Finding): Res => ({ ok: false, finding });

  for (let i = 0; i < spec.args.length; i++) {
    const arg = spec.args[i]!;
    const regno = i + 1;
    const reg = ctx.reg(regno);
    if (arg.kind === 'ignore' || arg.kind === 'implicit') continue;
    const scalarArg = arg.kind === 'scalar' || arg.kind === 'const';
    // 7.x: release_regno is R1 of a KF_RELEASE kfunc, checked at the argument
    const releaseArg = sw.kfuncArgsAllTrusted && release && regno === 1;
    if (sw.kfuncArgsAllTrusted) {
      if (!scalarArg && (isNullReg(reg) || typeMayBeNull(reg.type))) return bad(fail(ctx, 'kfunc.arg.maybe_null', argReg(i)));
      if (releaseArg && !reg.refObjId && !isNullReg(reg)) return bad(fail(ctx, 'kfunc.release.no_ref', spec.name, regArg(regno)));
      if (reg.refObjId) {
        meta.refObjId = reg.refObjId;
        if (releaseArg) meta.releaseRegno = regno;
      }
      const offErr = checkFuncArgRegOff(ctx, reg, regno, releaseArg, !(arg.kind === 'refcounted_kptr' && sw.refcountedKptrZeroOff));
      if (offErr) return bad(offErr);
    }
    if (scalarArg) {
      if (reg.type !== T.SCALAR_VALUE) return bad(fail(ctx, 'kfunc.arg.not_scalar', regArg(regno)));
      if (arg.kind === 'const') {
        if (!isConst(reg)) return bad(fail(ctx, 'kfunc.arg.not_const', regArg(regno)));
        meta.constValue = reg.varOff.value;
      }
      continue;
    }
    if (!sw.kfuncArgsAllTrusted) {
      const err = preKindChecks612(ctx, spec, arg.kind, reg, regno, i, meta, nullChecked);
      if (err) return bad(err);
    }

    switch (arg.kind) {
      case 'alloc': {
        const isDrop = spec.name === 'bpf_obj_drop_impl' || spec.name === 'bpf_obj_drop';
        const isPercpuDrop = spec.name === 'bpf_percpu_obj_drop_impl' || spec.name === 'bpf_percpu_obj_drop';
        if (reg.type === (T.PTR_TO_BTF_ID | F.MEM_ALLOC)) {
          if (!isDrop) return bad(fail(ctx, 'graph.drop.expected_obj_drop', argReg(i)));
        } else if (reg.type === (T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.MEM_PERCPU)) {
          if (!isPercpuDrop) return bad(fail(ctx, 'graph.drop.expected_percpu_obj_drop', argReg(i)));
        } else return bad(fail(ctx, 'graph.arg.expected_alloc', argReg(i)));
        if (!reg.refObjId) return bad(fail(ctx, 'graph.arg.not_referenced'));
        meta.argBtfId = reg.btf?.id ?? null;
        break;
      }
      case 'list_head': case 'rb_root': {
        if (reg.type !== T.PTR_TO_MAP_VALUE && reg.type !== (T.PTR_TO_BTF_ID | F.MEM_ALLOC)) return bad(fail(ctx, 'graph.root.bad_reg', argReg(i)));
        if (reg.type === (T.PTR_TO_BTF_ID | F.MEM_ALLOC) && !reg.refObjId) return bad(fail(ctx, 'graph.arg.not_referenced'));
        const headName = arg.kind === 'list_head' ? 'bpf_list_head' : 'bpf_rb_root';
        if (!tnumIsConst(reg.varOff)) return bad(fail(ctx, 'graph.arg.var_off', regArg(regno), headName));
        const rec = regRecord(lc, reg);
        const headOff = reg.off + Number(reg.varOff.value);
        const field = rec?.find(headOff, arg.kind) ?? null;
        if (!field) return bad(fail(ctx, 'graph.field.not_found', headName, headOff >>> 0));
        const locked = allocationLocked(ctx, reg);
        if (locked !== 'ok') {
          const f = fail(ctx, 'graph.root.lock_not_held', rec!.spinLockOff, headName);
          // check_reg_allocation_locked prints its line only when some other lock is held
          return bad(locked === 'other' ? { ...f, before: [fail(ctx, 'graph.lock.wrong_allocation').message] } : f);
        }
        meta.rootField = field;
        break;
      }
      case 'list_node': case 'rb_node': {
        // rbtree_remove (6.12), and 7.x's remove/left/right: every rb_node argument but rbtree_add's
        const borrowsRbNode = arg.kind === 'rb_node' && spec.effect !== 'insert';
        if (borrowsRbNode) {
          const nonOwning = typeIsNonOwningRef(reg.type);
          const ok = sw.rbNodeTakesReferenced ? nonOwning || reg.refObjId !== 0 : nonOwning && !reg.refObjId;
          if (!ok) return bad(fail(ctx, 'graph.rbtree_remove.not_non_owning', spec.name));
          if (inRbtreeCb(ctx)) return bad(fail(ctx, 'graph.rbtree_cb.remove', spec.name));
        } else if (!(arg.kind === 'list_node' && arg.nonOwnAllowed && typeIsNonOwningRef(reg.type) && !reg.refObjId)) {
          // a `__nonown_allowed` list node (7.x) also takes a non-owning reference
          if (reg.type !== (T.PTR_TO_BTF_ID | F.MEM_ALLOC)) return bad(fail(ctx, 'graph.arg.expected_alloc', argReg(i)));
          if (!reg.refObjId) return bad(fail(ctx, 'graph.arg.not_referenced'));
        }
        const nodeName = arg.kind === 'list_node' ? 'bpf_list_node' : 'bpf_rb_node';
        const headName = arg.kind === 'list_node' ? 'bpf_list_head' : 'bpf_rb_root';
        if (!tnumIsConst(reg.varOff)) return bad(fail(ctx, 'graph.arg.var_off', regArg(regno), nodeName));
        const nodeOff = reg.off + Number(reg.varOff.value);
        const own = regRecord(lc, reg)?.find(nodeOff, arg.kind) ?? null;
        if (!own) return bad(fail(ctx, 'graph.field.not_found', nodeName, nodeOff >>> 0));
        const root = meta.rootField?.graphRoot;
        if (!root) return bad(unsupported(`${spec.name} node argument without a root argument`, ctx.insnIdx, UNSUPPORTED.kfuncArg));
        const regId = reg.btf?.id ?? -1;
        const sameType = ctx.btf !== null && regId >= 0 && ctx.btf.resolveId(regId) === root.valueTypeId;
        if (!sameType) {
          return bad(fail(ctx, 'graph.node.type_mismatch', headName, nodeName, root.nodeOffset, root.valueName, nodeOff, structName(ctx, regId)));
        }
        meta.argBtfId = regId;
        if (nodeOff !== root.nodeOffset) return bad(fail(ctx, 'graph.node.offset_mismatch', nodeOff, nodeName, root.nodeOffset, root.valueName));
        break;
      }
      case 'callback':
        if (reg.type !== T.PTR_TO_FUNC) return bad(fail(ctx, 'kfunc.arg.callback', argReg(i)));
        meta.callbackSubprog = reg.subprog;
        break;
      case 'refcounted_kptr': {
        if (!typeIsPtrAllocObj(reg.type)) return bad(fail(ctx, 'graph.refcount.not_alloc', argReg(i)));
        if (!typeIsNonOwningRef(reg.type) && reg.refObjId) meta.argOwningRef = true;
        const rec = regRecord(lc, reg);
        if (!rec) return bad(fail(ctx, 'graph.refcount.no_record'));
        if (rec.refcountOff < 0) return bad(fail(ctx, 'graph.refcount.no_field', argReg(i)));
        meta.argBtfId = reg.btf?.id ?? null;
        break;
      }
    }
  }
  if (!sw.kfuncArgsAllTrusted && release && !meta.releaseRegno) return { ok: false, finding: fail(ctx, 'kfunc.release.no_ref', spec.name) };
  return { ok: true, meta };
}

/**
 * 6.12's checks of a pointer argument before its kind: NULL for trusted/RCU kfuncs, the
 * reference it carries, __alloc arguments of trusted kfuncs, check_func_arg_reg_off.
 */
function preKindChecks612(
  ctx: HookCtx, spec: KfuncSpec, kind: string, reg: RegState, regno: number, i: number, meta: ArgMeta, nullChecked: boolean,
): Finding | null {
  const release = hasFlag(spec, 'KF_RELEASE');
  if (nullChecked && (isNullReg(reg) || typeMayBeNull(reg.type))) return fail(ctx, 'kfunc.arg.maybe_null', argReg(i));
  if (reg.refObjId) {
    meta.refObjId = reg.refObjId;
    if (release) meta.releaseRegno = regno;
  }
  // get_kfunc_ptr_arg_type() classifies a BTF object by its register before the callback kind
  if (kind === 'callback' && [T.PTR_TO_BTF_ID, T.PTR_TO_SOCKET, T.PTR_TO_SOCK_COMMON, T.PTR_TO_TCP_SOCK, T.CONST_PTR_TO_MAP].includes(baseType(reg.type)))
    return unsupported(`${spec.name} with a BTF object as its callback argument`, ctx.insnIdx, UNSUPPORTED.kfuncArg);
  if (kind === 'alloc' && nullChecked && !isTrustedReg(reg)) {
    if (!hasFlag(spec, 'KF_RCU')) return fail(ctx, 'kfunc.arg.not_trusted', regArg(regno));
    if (!isRcuReg(reg)) return fail(ctx, 'kfunc.arg.not_rcu', regArg(regno));
  }
  return checkFuncArgRegOff(ctx, reg, regno, release && reg.refObjId !== 0);
}

export { fieldTypeName };
