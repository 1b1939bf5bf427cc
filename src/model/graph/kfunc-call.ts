// check_kfunc_call() for the graph kfuncs after the argument checks: the rbtree less() callback,
// RCU bookkeeping, release (obj_drop), the owning -> non-owning conversion of push/add, the
// caller-saved clobber and R0 (obj_new / refcount_acquire / pop / remove / first), with ids
// drawn from env->id_gen in the kernel's order.
import { unsupported } from '../finding.js';
import { DONE, found, type HookCtx, type HookResult } from '../hooks.js';
import {
  F, T, acquireReference, curFrame, forEachReg, markNotInit, markUnknown, regNotInit, regPtr, releaseReference,
  type FuncState, type RegState,
} from '../state.js';
import { hasFlag, kfuncAllowedFor, type KfuncSpec } from './kfuncs.js';
import { checkKfuncArgs, type ArgMeta } from './kfunc-args.js';
import { loadContext, metaOf, regRecord } from './context.js';
import { demoteRcuRefs, fail, inRbtreeCb, inRcuCs, setNonOwning } from './util.js';
import { UNSUPPORTED } from '../../rules/index.js';

const BPF_GLOBAL_PERCPU_MA_MAX_SIZE = 512;

export function graphKfunc(ctx: HookCtx, name: string): HookResult {
  const spec = ctx.profile.kfuncs.get(name);
  if (!spec) return found(unsupported(`kfunc ${name}`, ctx.insnIdx, UNSUPPORTED.kfunc));
  const allowed = kfuncAllowedFor(spec, ctx.prog.progType);
  if (allowed === null) return found(unsupported(`kfunc ${name} in a program of unknown type`, ctx.insnIdx, UNSUPPORTED.progType));
  if (!allowed) return found(fail(ctx, 'kfunc.not_allowed', name));

  const args = checkKfuncArgs(ctx, spec);
  if (!args.ok) return found(args.finding);
  const meta = args.meta;
  const nmi = nmiUnsafeDrop(ctx, spec, meta);
  if (nmi) return found(nmi);

  if (spec.callbackArg !== undefined) {
    const root = meta.rootField?.graphRoot;
    if (!root || meta.callbackSubprog === null) return found(unsupported(`${name} callback set-up`, ctx.insnIdx, UNSUPPORTED.kfuncArg));
    const lc = loadContext(ctx.obj, ctx.profile);
    const valueRec = metaOf(lc, root.valueTypeId);
    // set_rbtree_add_callback_state: less(a, b) both non-owning nodes of the root's __contains type.
    ctx.pushCallback({
      subprog: meta.callbackSubprog, callbackOf: name, retRange: [0n, 1n],
      setup(callee: FuncState) {
        for (const regno of [1, 2]) {
          const r = regPtr(T.PTR_TO_BTF_ID | F.MEM_ALLOC, { btf: { btf: 'prog', id: root.valueTypeId }, off: root.nodeOffset });
          setNonOwning(r, valueRec);
          callee.regs[regno] = r;
        }
        for (const regno of [3, 4, 5]) callee.regs[regno] = regNotInit();
      },
    });
  }

  const rcu = rcuEffect(ctx, spec);
  if (rcu) return rcu;

  if (meta.releaseRegno) {
    if (!releaseReference(ctx.state, ctx.reg(meta.releaseRegno).refObjId, ctx.profile.switches))
      return found(fail(ctx, 'graph.release.not_acquired', name, '?'));
  }
  if (spec.effect === 'insert') {
    const refId = ctx.reg(2).refObjId;
    const lc = loadContext(ctx.obj, ctx.profile);
    // ref_convert_owning_non_owning: every holder of the node's reference becomes non-owning.
    forEachReg(ctx.state, (reg) => {
      if (reg.refObjId !== refId) return;
      reg.refObjId = 0;
      setNonOwning(reg, regRecord(lc, reg));
    });
    if (!releaseReference(ctx.state, refId, ctx.profile.switches)) return found(fail(ctx, 'graph.release.not_acquired', name, '?'));
  }

  const regs = curFrame(ctx.state).regs;
  for (let i = 0; i <= 5; i++) markNotInit(regs[i]!);
  const r0 = buildR0(ctx, spec, meta);
  if ('kind' in r0) return r0;
  regs[0] = r0;
  return DONE;
}

const TRACING_TYPES: readonly string[] = ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable'];
/** btf_field_is_nmi_safe(): the field types an NMI-time free may meet. */
const NMI_SAFE: ReadonlySet<string> = new Set(['spin_lock', 'timer', 'wq', 'kptr_unref', 'refcount']);

/** 7.x check_kfunc_call: obj_drop in a tracing program of a type with NMI-unsafe fields. */
function nmiUnsafeDrop(ctx: HookCtx, spec: KfuncSpec, meta: ArgMeta) {
  if (!ctx.profile.switches.nmiUnsafeDropRefused || spec.effect !== 'release_arg' || meta.argBtfId === null) return null;
  const { progType, section, sleepable } = ctx.prog;
  const tracing = TRACING_TYPES.includes(progType) || (progType === 'tracing' && !/^iter(\.s)?\//.test(section) && !sleepable);
  if (!tracing) return null;
  const rec = metaOf(loadContext(ctx.obj, ctx.profile), meta.argBtfId);
  return rec?.fields.some((f) => !NMI_SAFE.has(f.type)) ? fail(ctx, 'graph.drop.nmi_unsafe_tracing', spec.name) : null;
}

/** bpf_rcu_read_lock/unlock bookkeeping (check_kfunc_call). */
function rcuEffect(ctx: HookCtx, spec: KfuncSpec): HookResult | null {
  const s = ctx.state;
  const lock = spec.effect === 'rcu_read_lock', unlock = spec.effect === 'rcu_read_unlock';
  if (!lock && !unlock) return null;
  if (ctx.profile.switches.rcuCounted) {
    // active_rcu_locks nests; protection ends when in_rcu_cs() turns false
    if (lock) s.activeRcuLocks++;
    else {
      if (!s.activeRcuLocks) return found(fail(ctx, 'graph.rcu.unmatched_unlock', spec.name));
      s.activeRcuLocks--;
      if (!inRcuCs(ctx)) demoteRcuRefs(ctx);
    }
    if (inRbtreeCb(ctx)) return found(fail(ctx, 'graph.rbtree_cb.rcu'));
    return null;
  }
  if (s.activeRcuLocks) {
    if (inRbtreeCb(ctx)) return found(fail(ctx, 'graph.rbtree_cb.rcu'));
    if (lock) return found(fail(ctx, 'graph.rcu.nested', spec.name));
    demoteRcuRefs(ctx);
    s.activeRcuLocks = 0;
  } else if (lock) s.activeRcuLocks = 1;
  else return found(fail(ctx, 'graph.rcu.unmatched_unlock', spec.name));
  return null;
}

/** R0 after the call (check_kfunc_call's return-type handling). A HookResult means the call fails. */
function buildR0(ctx: HookCtx, spec: KfuncSpec, meta: ArgMeta): RegState | HookResult {
  const lc = loadContext(ctx.obj, ctx.profile);
  let r0: RegState;
  switch (spec.ret) {
    case 'void': return regNotInit();
    case 'scalar': { const r = regNotInit(); markUnknown(r); return r; }
    case 'obj_new': case 'percpu_obj_new': {
      const v = meta.constValue ?? 0n;
      if (BigInt.asUintN(32, v) !== v) return found(fail(ctx, 'graph.obj_new.type_id_range'));
      if (!ctx.btf || !lc.btfLoaded) return found(fail(ctx, 'graph.obj_new.no_prog_btf'));
      const id = Number(v);
      const t = id < ctx.btf.count ? ctx.btf.get(id) : null;
      if (!t || t.kind !== 'struct') return found(fail(ctx, 'graph.obj_new.not_struct'));
      if (spec.ret === 'percpu_obj_new') {
        if (t.size > BPF_GLOBAL_PERCPU_MA_MAX_SIZE) return found(fail(ctx, 'graph.percpu_obj_new.too_big', t.size, BPF_GLOBAL_PERCPU_MA_MAX_SIZE));
        if (!isScalarStruct(ctx, id, 0)) return found(fail(ctx, 'graph.percpu_obj_new.not_scalar_struct'));
        if (metaOf(lc, id)) return found(fail(ctx, 'graph.percpu_obj_new.special_fields'));
      }
      r0 = regPtr(T.PTR_TO_BTF_ID | F.MEM_ALLOC | (spec.ret === 'percpu_obj_new' ? F.MEM_PERCPU : 0), { btf: { btf: 'prog', id } });
      break;
    }
    case 'refcount_acquire':
      r0 = regPtr(T.PTR_TO_BTF_ID | F.MEM_ALLOC, { btf: { btf: 'prog', id: meta.argBtfId ?? 0 } });
      break;
    case 'graph_pop': case 'graph_peek': {
      const root = meta.rootField?.graphRoot;
      if (!root) return found(unsupported(`${spec.name} without a root argument`, ctx.insnIdx, UNSUPPORTED.kfuncArg));
      // mark_reg_graph_node: the container type at the node's offset.
      r0 = regPtr(T.PTR_TO_BTF_ID | F.MEM_ALLOC, { btf: { btf: 'prog', id: root.valueTypeId }, off: root.nodeOffset });
      break;
    }
  }
  // is_kfunc_ret_null(): refcount_acquire of an owning reference cannot fail (6.12.y).
  const retNull = hasFlag(spec, 'KF_RET_NULL') && !(spec.ret === 'refcount_acquire' && meta.argOwningRef);
  if (retNull) { r0.type |= F.PTR_MAYBE_NULL; r0.id = ctx.ids.next(); }
  if (hasFlag(spec, 'KF_ACQUIRE')) {
    const id = acquireReference(ctx.state, ctx.ids, ctx.insnIdx);
    if (retNull) r0.id = id;
    r0.refObjId = id;
  } else if (spec.ret === 'graph_peek') {
    setNonOwning(r0, regRecord(lc, { ...r0, type: T.PTR_TO_BTF_ID | F.MEM_ALLOC }));
  }
  // reg_may_point_to_spin_lock: the lock identity of an allocated object is its reg->id.
  if (!r0.id && regRecord(lc, r0)?.has('spin_lock')) r0.id = ctx.ids.next();
  return r0;
}

/** __btf_type_is_scalar_struct(): every member a scalar or an array of scalars, nested structs up to depth 2. */
function isScalarStruct(ctx: HookCtx, id: number, depth: number): boolean {
  const btf = ctx.btf!;
  const t = btf.resolve(id);
  if (t.kind !== 'struct') return false;
  for (const m of t.members) {
    let mt = btf.resolve(m.type);
    if (mt.kind === 'struct') { if (depth >= 2 || !isScalarStruct(ctx, mt.id, depth + 1)) return false; continue; }
    if (mt.kind === 'array') mt = btf.resolve(mt.type);
    if (mt.kind !== 'int' && mt.kind !== 'enum' && mt.kind !== 'enum64' && mt.kind !== 'float') return false;
  }
  return true;
}
