// The graph-ownership rules behind the interpreter's hooks (hooks.ts): bpf_list / bpf_rbtree /
// bpf_refcount / bpf_spin_lock / local kptrs, as Linux 6.12.117 verifies them. The rule table is
// src/model/rules/graph.ts; the kfunc table kfuncs.ts; btf_records records.ts.
import { found, type GraphHooks, type HookCtx } from '../hooks.js';
import { unsupported } from '../finding.js';
import { btfAccess, mapValueAccess, mapValueHelperAccess } from './access.js';
import { loadContext, regRecord } from './context.js';
import { BPF_FUNC_kptr_xchg, BPF_FUNC_spin_lock, BPF_FUNC_spin_unlock, beforeCall, exitChecks, graphHelper } from './helpers.js';
import { graphKfunc } from './kfunc-call.js';
import { describeGraphState } from './explain.js';

// The graph rules are written for 6.12.117. Other profiles ('6.1', 'bpf-next') differ in exactly
// these rules (SEMANTICS.md 5.1/5.2: release_on_unlock, trusted-args default, owning rbtree_remove,
// kptr_xchg under lock...), so there every graph construct is `unsupported` until modelled.
const MODELLED = new Set(['6.12']);
const GRAPH_HELPERS = new Set([BPF_FUNC_spin_lock, BPF_FUNC_spin_unlock, BPF_FUNC_kptr_xchg]);
const gate = (ctx: HookCtx, what: string) =>
  MODELLED.has(ctx.profile.name) ? null : unsupported(`${what} under profile ${ctx.profile.name} (graph rules are modelled for 6.12)`, ctx.insnIdx, 'model.unsupported.profile');

export const graphHooks: GraphHooks = {
  beforeCall: (ctx, call) => (ctx.state.activeLock ? gate(ctx, 'a call while holding a bpf_spin_lock') : null) ?? beforeCall(ctx, call),
  graphHelper: (ctx, id, name) => {
    const g = GRAPH_HELPERS.has(id) ? gate(ctx, `helper ${name}`) : null;
    return g ? found(g) : graphHelper(ctx, id, name);
  },
  kfunc: (ctx, name) => { const g = gate(ctx, `kfunc ${name}`); return g ? found(g) : graphKfunc(ctx, name); },
  btfAccess: (ctx, a) => { const g = gate(ctx, 'access through a local object'); return g ? found(g) : btfAccess(ctx, a); },
  mapValueAccess,
  mapValueHelperAccess,
  exitChecks: (ctx, e) => (ctx.state.activeLock ? gate(ctx, 'exit with a bpf_spin_lock held') : null) ?? exitChecks(ctx, e),
  /** reg_may_point_to_spin_lock(): the pointee's btf_record has a bpf_spin_lock. */
  mayPointToSpinLock: (reg, ctx) => !!regRecord(loadContext(ctx.obj), reg)?.has('spin_lock'),
  describeState: describeGraphState,
};

export { loadContext } from './context.js';
export { graphPrecheck } from './precheck.js';
