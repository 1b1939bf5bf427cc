// Operations on graph roots: bpf_spin_lock/unlock, push/add (the node becomes non-owning), pop and
// remove (a new owning reference, maybe NULL), bpf_rbtree_first (a non-owning one). An op on a
// root whose lock is not held takes the lock first, unless the op is where the fault goes.
import type { Stmt } from '../types.js';
import { badLessName, globalGroup, lessName, type RootSpec, STRUCTS } from './catalogue.js';
import { choose, type Op, type OpFn } from './op.js';
import { line, nullExit, type ShadowState, type Var } from './state.js';

function rootPin(s: ShadowState, o: Op, rs: RootSpec[]): RootSpec | undefined {
  // a recipe's root, when it is among the candidates (else any: the recipe still places its fault)
  return (o.root === undefined ? undefined : rs.find((r) => r.id === o.root)) ?? choose(rs, { ...o, force: false });
}

/** Take `r`'s lock (nothing when held). */
function lockFor(s: ShadowState, r: RootSpec): Stmt[] {
  s.useRoot(r);
  if (s.lock === r.lock) return [];
  s.lock = r.lock;
  return [line(`bpf_spin_lock(${r.lock});`)];
}

export const opLock: OpFn = (s, o) => {
  const r = rootPin(s, o, s.roots());
  if (r === undefined) return null;
  if (s.lock !== null) {
    if (!s.wants('lock-twice', o.c, o.force)) return null;
    s.inject();   // a helper call under the lock (6.12/7.3 refuse bpf_spin_lock while one is held)
    s.useRoot(r);
    return [line(`bpf_spin_lock(${r.lock});`)];
  }
  // a global lock may be taken in a static subprogram instead
  const g = globalGroup(r.lock);
  if (g !== undefined && o.b % 4 === 3) {
    s.useRoot(r);
    s.use(`sub:lock_${g}`);
    s.shape('static-subprog');
    s.lock = r.lock;
    return [line(`fz_lock_${g}();`)];
  }
  return lockFor(s, r);
};

export const opUnlock: OpFn = (s, o) => {
  if (s.lock === null) {
    if (!s.wants('unlock-without-lock', o.c, o.force)) return null;
    const r = rootPin(s, o, s.roots())!;
    s.inject();   // process_spin_lock: "bpf_spin_unlock without taking a lock"
    s.useRoot(r);
    return [line(`bpf_spin_unlock(${r.lock});`)];
  }
  const others = s.roots().filter((r) => r.lock !== s.lock);
  if (others.length > 0 && s.wants('unlock-wrong-lock', o.c, o.force)) {
    const r = rootPin(s, o, others)!;
    s.inject();   // process_spin_lock: "bpf_spin_unlock of different lock"
    s.useRoot(r);
    return [line(`bpf_spin_unlock(${r.lock});`)];
  }
  const l = s.lock;
  s.unlocked();
  const g = globalGroup(l);
  if (g !== undefined && o.b % 4 === 3) {
    s.use(`sub:unlock_${g}`);
    s.shape('static-subprog');
    return [line(`fz_unlock_${g}();`)];
  }
  return [line(`bpf_spin_unlock(${l});`)];
};

type Placed = { v: Var; r: RootSpec };

/** The (node, root) pairs an insertion of `kind` could use, filtered by the lock relation. */
function pairs(s: ShadowState, o: Op, kind: 'list' | 'tree', vars: Var[], lock: 'held' | 'other' | 'any'): Placed[] {
  const out: Placed[] = [];
  for (const v of vars) {
    for (const r of s.rootsFor(v.type)) {
      if (r.kind !== kind || (o.root !== undefined && r.id !== o.root)) continue;
      if (lock === 'held' && r.lock !== s.lock) continue;
      if (lock === 'other' && (s.lock === null || r.lock === s.lock)) continue;
      out.push({ v, r });
    }
  }
  return out;
}

/**
 * Owning nodes with a node field of `kind` and roots under the held lock that contain another
 * type: __process_kf_arg_ptr_to_graph_node compares the node's struct with the root's __contains.
 */
function mismatched(s: ShadowState, o: Op, kind: 'list' | 'tree', vars: Var[]): Placed[] {
  const out: Placed[] = [];
  for (const v of vars) {
    if ((kind === 'list' ? STRUCTS[v.type]!.list : STRUCTS[v.type]!.rb) === undefined) continue;
    for (const r of s.lock === null ? s.roots() : s.lockedRoots()) {
      if (r.kind === kind && r.elem !== v.type && (o.root === undefined || r.id === o.root)) out.push({ v, r });
    }
  }
  return out;
}

/**
 * push (list) or add (tree). Fault sites first: without the lock, under another root's lock,
 * the same node again (it is non-owning now), a non-owning node to bpf_rbtree_add, a less()
 * that calls the rbtree API.
 */
function insert(kind: 'list' | 'tree'): OpFn {
  return (s, o) => {
    const owning = s.owning();
    const call = (p: Placed, bad = false): Stmt => {
      if (kind === 'list') return line(`bpf_list_push_${o.b % 2 === 0 ? 'back' : 'front'}(${p.r.expr}, &${p.v.name}->node);`);
      const cb = bad ? badLessName(p.r) : lessName(p.r.elem);
      s.use(bad ? `lessbad:${p.r.id}` : `less:${p.r.elem}`);
      s.shape('less-cb');
      return line(`bpf_rbtree_add(${p.r.expr}, &${p.v.name}->rb, ${cb});`);
    };
    const placeFault = (ps: Placed[], f: Parameters<ShadowState['wants']>[0]): Stmt[] | null => {
      const p = choose(ps, o);
      if (p === undefined || !s.wants(f, o.c, o.force)) return null;
      s.inject();
      s.useRoot(p.r);
      const stmt = call(p);
      if (p.v.st === 'owning') { p.v.st = 'nonown'; p.v.root = p.r.id; p.v.inserted = true; }
      return [stmt];
    };
    if (s.lock === null) {
      const f = placeFault(pairs(s, o, kind, owning, 'any'), 'graph-op-without-lock');
      if (f) return f;
      // the lock is taken (validly) for a node of another type
      const m = choose(mismatched(s, o, kind, owning), o);
      if (m !== undefined && s.wants('node-type-mismatch', o.c, o.force)) {
        s.inject();
        const out = [...lockFor(s, m.r), call(m), line(`bpf_spin_unlock(${m.r.lock});`)];
        m.v.st = 'nonown';
        s.unlocked();
        return out;
      }
    } else {
      const f = placeFault(pairs(s, o, kind, owning, 'other'), 'wrong-lock') ??
        placeFault(mismatched(s, o, kind, owning), 'node-type-mismatch') ??
        placeFault(pairs(s, o, kind, s.nonown().filter((v) => v.inserted), 'held'), 'double-insert') ??
        (kind === 'tree' ? placeFault(pairs(s, o, kind, s.nonown().filter((v) => v.root !== undefined), 'held'), 'nonown-to-rbtree-add') : null);
      if (f) return f;
    }
    const cands = s.lock === null ? pairs(s, o, kind, owning, 'any') : pairs(s, o, kind, owning, 'held');
    const pl = choose(cands, o);
    if (pl === undefined) return null;
    const wrap = s.lock === null;
    const out = lockFor(s, pl.r);
    const bad = kind === 'tree' && pl.r.home === 'global' && s.wants('less-cb-graph-op', o.c, o.force);
    if (bad) s.inject();   // in_rbtree_lock_required_cb: bpf_rbtree_remove refused in the callback
    out.push(call(pl, bad));
    if (!bad && s.wants('double-insert', o.c, o.force)) {
      s.inject();   // the node is non-owning now: not PTR_TO_BTF_ID|MEM_ALLOC with a ref_obj_id
      out.push(call(pl));
    }
    pl.v.st = 'nonown'; pl.v.root = pl.r.id; pl.v.inserted = true;
    if (STRUCTS[pl.v.type]!.refcounted) s.ctx.shapes.add(kind === 'list' ? 'shared-in-list' : 'shared-in-tree');
    if (wrap) { out.push(line(`bpf_spin_unlock(${pl.r.lock});`)); s.unlocked(); }
    return out;
  };
}

export const opPush = insert('list');
export const opAdd = insert('tree');

/**
 * A kfunc returning a node of `r` (pop/remove: owning; first/front/root/left/right: non-owning),
 * maybe NULL: the check leaves through the exit path, then container_of names the object.
 */
export function takeNode(s: ShadowState, o: Op, r: RootSpec, call: string, owning: boolean): Stmt[] {
  const field = r.kind === 'list' ? 'node' : 'rb';
  const ty = r.kind === 'list' ? 'bpf_list_node' : 'bpf_rb_node';
  const n = s.fresh('g');
  const v = s.fresh('e');
  const out: Stmt[] = [line(`struct ${ty} *${n} = ${call};`)];
  if (s.wants('missing-null-check', o.c, o.force)) s.inject();   // KF_RET_NULL: PTR_MAYBE_NULL until checked
  else out.push(nullExit(s, n));
  out.push(line(`struct ${r.elem} *${v} = container_of(${n}, struct ${r.elem}, ${field});`));
  out.push(line(`${v}->key = ${o.b};`));
  s.add(owning ? { name: v, type: r.elem, st: 'owning' } : { name: v, type: r.elem, st: 'nonown', root: r.id });
  return out;
}

/** A graph op on a root chosen among `rs`: the lock is taken first, or left out as the fault. */
export function onRoot(s: ShadowState, o: Op, rs: RootSpec[]): { r: RootSpec; pre: Stmt[] } | null {
  if (s.lock === null && rs.length > 0 && s.wants('graph-op-without-lock', o.c, o.force)) {
    s.inject();
    const r = rootPin(s, o, rs)!;
    s.useRoot(r);
    return { r, pre: [] };
  }
  if (s.lock !== null) {
    const other = rs.filter((r) => r.lock !== s.lock);
    if (other.length > 0 && s.wants('wrong-lock', o.c, o.force)) {
      s.inject();
      const r = rootPin(s, o, other)!;
      s.useRoot(r);
      return { r, pre: [] };
    }
    const held = rs.filter((r) => r.lock === s.lock);
    const r = rootPin(s, o, held);
    if (r === undefined) return null;
    s.useRoot(r);
    return { r, pre: [] };
  }
  const r = rootPin(s, o, rs);
  if (r === undefined) return null;
  return { r, pre: lockFor(s, r) };
}

export const opPop: OpFn = (s, o) => {
  const at = onRoot(s, o, s.roots().filter((r) => r.kind === 'list'));
  if (at === null) return null;
  const call = `bpf_list_pop_${o.b % 2 === 0 ? 'front' : 'back'}(${at.r.expr})`;
  return [...at.pre, ...takeNode(s, o, at.r, call, true)];
};

export const opFirst: OpFn = (s, o) => {
  const at = onRoot(s, o, s.roots().filter((r) => r.kind === 'tree'));
  if (at === null) return null;
  return [...at.pre, ...takeNode(s, o, at.r, `bpf_rbtree_first(${at.r.expr})`, false)];
};

/** bpf_rbtree_remove of a non-owning node of a tree whose lock is held: an owning reference back. */
export const opRemove: OpFn = (s, o) => {
  const ps = s.nonown().filter((v) => !v.spill).flatMap((v) => {
    const r = v.root === undefined ? undefined : s.root(v.root);
    return r !== undefined && r.kind === 'tree' && r.lock === s.lock ? [{ v, r }] : [];
  });
  const p = choose(ps, o);
  if (p === undefined) return null;
  p.v.st = 'dead'; p.v.why = 'gone';   // still a non-owning pointer to a node no longer in the tree: not used again
  return takeNode(s, o, p.r, `bpf_rbtree_remove(${p.r.expr}, &${p.v.name}->rb)`, true);
};
