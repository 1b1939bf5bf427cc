// The graph-ownership rules behind the interpreter's hooks (hooks.ts): bpf_list / bpf_rbtree /
// bpf_refcount / bpf_spin_lock / local kptrs, as Linux 6.12.117 verifies them. The rule table is
// src/model/rules/graph.ts; the kfunc table kfuncs.ts; btf_records records.ts.
import type { GraphHooks, HookCtx } from '../hooks.js';
import type { RegState } from '../state.js';
import { btfAccess, mapValueAccess } from './access.js';
import { loadContext, regRecord, type LoadContext } from './context.js';
import { beforeCall, exitChecks, graphHelper } from './helpers.js';
import { graphKfunc } from './kfunc-call.js';
import { describeGraphState } from './explain.js';

// The hooks are called for one object at a time; mayPointToSpinLock gets no context, so it uses
// the object of the most recent hook call (set before any state of that object exists).
let current: LoadContext | null = null;
const track = <A extends unknown[], R>(fn: (ctx: HookCtx, ...a: A) => R) =>
  (ctx: HookCtx, ...a: A): R => { current = loadContext(ctx.obj); return fn(ctx, ...a); };

export const graphHooks: GraphHooks = {
  beforeCall: track(beforeCall),
  graphHelper: track(graphHelper),
  kfunc: track((ctx, name: string) => graphKfunc(ctx, name)),
  btfAccess: track(btfAccess),
  mapValueAccess: track(mapValueAccess),
  exitChecks: track(exitChecks),
  /** reg_may_point_to_spin_lock(): the pointee's btf_record has a bpf_spin_lock. */
  mayPointToSpinLock(reg: RegState, ctx?: HookCtx): boolean {
    const lc = ctx ? loadContext(ctx.obj) : current;
    return !!lc && !!regRecord(lc, reg)?.has('spin_lock');
  },
  describeState: describeGraphState,
};

export { loadContext } from './context.js';
export { graphPrecheck } from './precheck.js';
