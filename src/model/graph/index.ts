// The graph-ownership rules behind the interpreter's hooks (hooks.ts): bpf_list / bpf_rbtree /
// bpf_refcount / bpf_spin_lock / local kptrs, as the profile's line verifies them. The rule table is
// src/rules/graph.ts (formats per line: src/profiles); the kfunc table the profile's; btf_records records.ts.
import { found, type GraphHooks, type HookCtx } from '../hooks.js';
import { unsupported } from '../finding.js';
import { btfAccess, mapValueAccess, mapValueHelperAccess } from './access.js';
import { loadContext, regRecord } from './context.js';
import { BPF_FUNC_kptr_xchg, BPF_FUNC_spin_lock, BPF_FUNC_spin_unlock, beforeCall, exitChecks, graphHelper } from './helpers.js';
import { graphKfunc } from './kfunc-call.js';
import { describeGraphState } from './explain.js';
import { UNSUPPORTED } from '../../rules/index.js';

const GRAPH_HELPERS = new Set([BPF_FUNC_spin_lock, BPF_FUNC_spin_unlock, BPF_FUNC_kptr_xchg]);
// A line whose graph rules the model does not state (switches.graphModelled) answers `unsupported`
// for every graph construct, never the rules of another line.
const gate = (ctx: HookCtx, what: string) =>
  ctx.profile.switches.graphModelled ? null : unsupported(`${what} under Linux ${ctx.profile.name} (its graph rules are not modelled)`, ctx.insnIdx, UNSUPPORTED.profile);

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
  mayPointToSpinLock: (reg, ctx) => !!regRecord(loadContext(ctx.obj, ctx.profile), reg)?.has('spin_lock'),
  describeState: describeGraphState,
};

export { loadContext } from './context.js';
export { graphPrecheck } from './precheck.js';
