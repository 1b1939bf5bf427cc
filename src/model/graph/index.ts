// The graph-ownership rules behind the interpreter's hooks (hooks.ts): bpf_list / bpf_rbtree /
// bpf_refcount / bpf_spin_lock / local kptrs, as Linux 6.12.117 verifies them. The rule table is
// src/model/rules/graph.ts; the kfunc table kfuncs.ts; btf_records records.ts.
import { found, type GraphHooks, type HookCtx } from '../hooks.js';
import { unsupported } from '../finding.js';
import type { RegState } from '../state.js';
import { btfAccess, mapValueAccess, mapValueHelperAccess } from './access.js';
import { lastLoadContext, loadContext, regRecord } from './context.js';
import { beforeCall, exitChecks, graphHelper } from './helpers.js';
import { graphKfunc } from './kfunc-call.js';
import { describeGraphState } from './explain.js';

// mayPointToSpinLock gets no context: it uses the object of the walk in progress (graphPrecheck
// runs before every walk and records it; every hook call refreshes it).
const track = <A extends unknown[], R>(fn: (ctx: HookCtx, ...a: A) => R) =>
  (ctx: HookCtx, ...a: A): R => { loadContext(ctx.obj); return fn(ctx, ...a); };

// The graph rules are written for 6.12.117. Other profiles ('6.1', 'bpf-next') differ in exactly
// these rules (SEMANTICS.md 5.1/5.2: release_on_unlock, trusted-args default, owning rbtree_remove,
// kptr_xchg under lock...), so there every graph construct is `unsupported` until modelled.
const MODELLED = new Set(['6.12']);
const gate = (ctx: HookCtx, what: string) =>
  MODELLED.has(ctx.profile.name) ? null : unsupported(`${what} under profile ${ctx.profile.name} (graph rules are modelled for 6.12)`, ctx.insnIdx, 'model.unsupported.profile');

export const graphHooks: GraphHooks = {
  beforeCall: track((ctx, call) => (ctx.state.activeLock ? gate(ctx, 'a call while holding a bpf_spin_lock') : null) ?? beforeCall(ctx, call)),
  graphHelper: track((ctx, id: number, name: string) => {
    const g = id === 93 || id === 94 || id === 194 ? gate(ctx, `helper ${name}`) : null;
    return g ? found(g) : graphHelper(ctx, id, name);
  }),
  kfunc: track((ctx, name: string) => { const g = gate(ctx, `kfunc ${name}`); return g ? found(g) : graphKfunc(ctx, name); }),
  btfAccess: track((ctx, a) => { const g = gate(ctx, 'access through a local object'); return g ? found(g) : btfAccess(ctx, a); }),
  mapValueAccess: track(mapValueAccess),
  mapValueHelperAccess: track(mapValueHelperAccess),
  exitChecks: track((ctx, e) => (ctx.state.activeLock ? gate(ctx, 'exit with a bpf_spin_lock held') : null) ?? exitChecks(ctx, e)),
  /** reg_may_point_to_spin_lock(): the pointee's btf_record has a bpf_spin_lock. */
  mayPointToSpinLock(reg: RegState, ctx?: HookCtx): boolean {
    const lc = ctx ? loadContext(ctx.obj) : lastLoadContext();
    return !!lc && !!regRecord(lc, reg)?.has('spin_lock');
  },
  describeState: describeGraphState,
};

export { loadContext } from './context.js';
export { graphPrecheck } from './precheck.js';
