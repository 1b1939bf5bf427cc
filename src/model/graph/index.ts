// STUB (owned by engineer M-graph from here on): the graph-ownership rules behind hooks.ts.
// Until the real rules land, every graph construct answers `unsupported` naming the construct,
// so the model never guesses a verdict for bpf_list / bpf_rbtree programs.
import { unsupported } from '../finding.js';
import { PASS, found, type GraphHooks } from '../hooks.js';

export const graphHooks: GraphHooks = {
  beforeCall() { return null; },
  graphHelper(ctx, id, name) {
    if (id === 93 || id === 94 || id === 194) return found(unsupported(`helper ${name}#${id}`, ctx.insnIdx, 'model.unsupported.helper'));
    return PASS;
  },
  kfunc(ctx, name) { return found(unsupported(`kfunc ${name}`, ctx.insnIdx, 'model.unsupported.kfunc')); },
  btfAccess(ctx, a) { return found(unsupported(`${a.write ? 'store to' : 'load from'} ${ctx.typeStr(a.reg)} R${a.regno}`, ctx.insnIdx, 'model.unsupported.btf_access')); },
  mapValueAccess() { return PASS; },
  exitChecks() { return null; },
};
