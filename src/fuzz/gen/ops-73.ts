// Operations on the graph kfuncs 7.3 adds (helpers.c generic_btf_ids): list navigation and
// editing (bpf_list_front/back/add/del/is_first/is_last/empty) and tree walking
// (bpf_rbtree_root/left/right). Each is skipped on a line whose kfunc table lacks it. Their node
// arguments are `__nonown_allowed`: a non-owning reference of the same root, under its lock.
import type { RootSpec } from './catalogue.js';
import { choose, type OpFn } from './op.js';
import { onRoot, takeNode } from './ops-graph.js';
import { line, type ShadowState, type Var } from './state.js';

const has = (s: ShadowState, ...names: string[]) => names.every((n) => s.ctx.kfuncs.has(n));

/** Non-owning references into a root of `kind` whose lock is held now. */
function inRoot(s: ShadowState, kind: 'list' | 'tree'): { v: Var; r: RootSpec }[] {
  return s.nonown().filter((v) => !v.spill).flatMap((v) => {
    const r = v.root === undefined ? undefined : s.root(v.root);
    return r !== undefined && r.kind === kind && r.lock === s.lock ? [{ v, r }] : [];
  });
}

/** bpf_list_front / bpf_list_back: a non-owning reference (KF_RET_NULL, no KF_ACQUIRE). */
export const opFront: OpFn = (s, o) => {
  if (!has(s, 'bpf_list_front', 'bpf_list_back')) return null;
  const at = onRoot(s, o, s.roots().filter((r) => r.kind === 'list'));
  if (at === null) return null;
  const call = `bpf_list_${o.b % 2 === 0 ? 'front' : 'back'}(${at.r.expr})`;
  return [...at.pre, ...takeNode(s, o, at.r, call, false)];
};

/** bpf_list_del of a non-owning node: an owning reference to it, maybe NULL (acquire). */
export const opListDel: OpFn = (s, o) => {
  if (!has(s, 'bpf_list_del')) return null;
  const p = choose(inRoot(s, 'list'), o);
  if (p === undefined) return null;
  p.v.st = 'dead'; p.v.why = 'gone';
  return takeNode(s, o, p.r, `bpf_list_del(${p.r.expr}, &${p.v.name}->node)`, true);
};

/** bpf_list_add(head, new, prev): the owning `new` goes in after `prev` and becomes non-owning. */
export const opListAdd: OpFn = (s, o) => {
  if (!has(s, 'bpf_list_add')) return null;
  const p = choose(inRoot(s, 'list'), o);
  if (p === undefined) return null;
  const n = choose(s.owning().filter((v) => v.type === p.r.elem), { ...o, a: o.b });
  if (n === undefined) return null;
  n.st = 'nonown'; n.root = p.r.id; n.inserted = true;
  return [line(`sink += bpf_list_add(${p.r.expr}, &${n.name}->node, &${p.v.name}->node);`)];
};

/** bpf_list_empty / is_first / is_last: scalars, under the root's lock. */
export const opListQuery: OpFn = (s, o) => {
  if (!has(s, 'bpf_list_empty', 'bpf_list_is_first', 'bpf_list_is_last')) return null;
  const p = choose(inRoot(s, 'list'), o);
  if (p !== undefined && o.b % 3 !== 0) {
    return [line(`sink += bpf_list_is_${o.b % 3 === 1 ? 'first' : 'last'}(${p.r.expr}, &${p.v.name}->node);`)];
  }
  const at = onRoot(s, o, s.roots().filter((r) => r.kind === 'list'));
  if (at === null) return null;
  return [...at.pre, line(`sink += bpf_list_empty(${at.r.expr});`)];
};

/** bpf_rbtree_root, or bpf_rbtree_left/right of a non-owning node: non-owning, maybe NULL. */
export const opRbWalk: OpFn = (s, o) => {
  if (!has(s, 'bpf_rbtree_root', 'bpf_rbtree_left', 'bpf_rbtree_right')) return null;
  const p = choose(inRoot(s, 'tree'), o);
  if (p !== undefined && o.b % 3 !== 0) {
    const dir = o.b % 3 === 1 ? 'left' : 'right';
    return takeNode(s, o, p.r, `bpf_rbtree_${dir}(${p.r.expr}, &${p.v.name}->rb)`, false);
  }
  const at = onRoot(s, o, s.roots().filter((r) => r.kind === 'tree'));
  if (at === null) return null;
  return [...at.pre, ...takeNode(s, o, at.r, `bpf_rbtree_root(${at.r.expr})`, false)];
};
