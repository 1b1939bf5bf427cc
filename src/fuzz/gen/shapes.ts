// Control-flow shapes: bounded loops that fill or drain a root (state-neutral: every iteration
// takes and releases the lock, and hands on or drops what it allocated), and the end of a program
// (what is still owned is inserted or dropped, the lock released).
import type { FaultKind, Stmt } from '../types.js';
import { GLOBAL_ROOTS, lessName, MAP_ROOTS, type RootSpec } from './catalogue.js';
import { choose, type OpFn } from './op.js';
import { line, nullExit, pick, type ShadowState } from './state.js';

/**
 * `for (i < 4)`: allocate and insert (fill), or pop/remove and drop (drain). The verifier walks
 * every iteration; a fault inside repeats in each one, the first walk already rejects it.
 */
export const opLoop: OpFn = (s, o) => {
  if (s.lock !== null) return null;
  const roots: RootSpec[] = [...GLOBAL_ROOTS, ...(s.ctx.useMap ? MAP_ROOTS : [])];
  const r = choose(roots, o)!;
  s.useRoot(r);
  s.shape('loop');
  const i = s.fresh('i');
  const field = r.kind === 'list' ? 'node' : 'rb';
  const noLock = s.wants('graph-op-without-lock', o.c, o.force);
  const lock = noLock ? [] : [line(`bpf_spin_lock(${r.lock});`)];
  const unlock = noLock ? [] : [line(`bpf_spin_unlock(${r.lock});`)];
  let body: Stmt[];
  if (o.b % 2 === 0) {
    const noCheck = !noLock && s.wants('missing-null-check', o.c, o.force);
    if (noLock || noCheck) s.inject();
    s.use(`struct:${r.elem}`);
    const insert = r.kind === 'list' ? `bpf_list_push_back(${r.expr}, &m->node);` : `bpf_rbtree_add(${r.expr}, &m->rb, ${lessName(r.elem)});`;
    if (r.kind === 'tree') { s.use(`less:${r.elem}`); s.shape('less-cb'); }
    body = [line(`struct ${r.elem} *m = bpf_obj_new(struct ${r.elem});`), ...(noCheck ? [] : [line('if (!m)'), line('\tbreak;')]),
      line(`m->key = ${i} + ${o.b};`), ...lock, line(insert), ...unlock];
  } else {
    if (noLock) s.inject();
    const take = r.kind === 'list'
      ? [line(`g = bpf_list_pop_front(${r.expr});`)]
      : [line(`g = bpf_rbtree_first(${r.expr});`), line('if (g)'), line(`\tg = bpf_rbtree_remove(${r.expr}, g);`)];
    const ty = r.kind === 'list' ? 'bpf_list_node' : 'bpf_rb_node';
    body = [line(`struct ${ty} *g;`), ...lock, ...take, ...unlock, line('if (!g)'), line('\tbreak;'),
      line(`bpf_obj_drop(container_of(g, struct ${r.elem}, ${field}));`)];
  }
  return [{ kind: 'loop', head: `for (int ${i} = 0; ${i} < 4; ${i}++)`, body }];
};

/**
 * `if (rnd & bit) { insert v in root A } else { insert it in root B, or drop it }`: both arms
 * consume the same reference, so the verifier reaches the join with the same references from
 * both paths. The leak fault fits here: one arm forgets the reference.
 */
export const opFork: OpFn = (s, o) => {
  if (s.lock !== null) return null;
  const v = choose(s.owning(), o);
  if (v === undefined) return null;
  const roots = s.rootsFor(v.type).filter((r) => r.home !== 'nested');
  const arm = (r: RootSpec | undefined): Stmt[] => {
    if (r === undefined) return [line(`bpf_obj_drop(${v.name});`)];
    s.useRoot(r);
    return [line(`bpf_spin_lock(${r.lock});`), ...insertLine(s, v.name, v.type, r), line(`bpf_spin_unlock(${r.lock});`)];
  };
  const then = arm(pick(roots, o.b));
  let otherwise = arm(o.b % 2 === 0 ? undefined : pick(roots, o.b + 1));
  if (s.wants('leak-at-exit', o.c, o.force)) {
    s.inject();   // the else path keeps the reference to the exit: check_reference_leak
    otherwise = [line(`sink += ${v.name}->key;`)];
  }
  s.shape('branch');
  v.st = 'dead'; v.why = 'gone';
  return [{ kind: 'if', cond: s.branchCond(), then, else: otherwise }];
};

/**
 * The end of the program: under the lock, owning nodes that fit a locked root are inserted;
 * then the unlock; then every owning reference is inserted (with its lock) or dropped. The two
 * exit faults are placed here: one reference left owned, or a lock taken again before the return.
 */
export function finish(s: ShadowState, n: number): Stmt[] {
  const out: Stmt[] = [];
  const fault: FaultKind | null = s.ctx.injected ? null : s.ctx.fault;
  let k = n;
  if (s.lock !== null) {
    for (const v of s.owning()) {
      const r = s.rootsFor(v.type).filter((x) => x.lock === s.lock);
      if (r.length === 0 || k++ % 2 === 0) continue;
      out.push(...insertLine(s, v.name, v.type, r[0]!));
      v.st = 'nonown';
    }
    out.push(line(`bpf_spin_unlock(${s.lock});`));
    s.unlocked();
  }
  let leak: string | undefined;
  if (fault === 'leak-at-exit') {
    if (s.owning().length === 0) {
      if (s.lock !== null) { out.push(line(`bpf_spin_unlock(${s.lock});`)); s.unlocked(); }
      const v = s.fresh('lk');
      s.use('struct:fz_item');
      out.push(line(`struct fz_item *${v} = bpf_obj_new(struct fz_item);`), nullExit(s, v));
      s.add({ name: v, type: 'fz_item', st: 'owning' });
    }
    leak = pick(s.owning(), n)!.name;
    s.inject();   // check_reference_leak at the main program's BPF_EXIT
  }
  for (const v of s.owning()) {
    if (v.name === leak) continue;
    const roots = s.rootsFor(v.type).filter((r) => r.home !== 'nested');
    if (roots.length > 0 && s.lock === null && k++ % 3 !== 0) {
      const r = pick(roots, k)!;
      s.useRoot(r);
      out.push(line(`bpf_spin_lock(${r.lock});`), ...insertLine(s, v.name, v.type, r), line(`bpf_spin_unlock(${r.lock});`));
    } else if (s.lock === null) {
      out.push(line(`bpf_obj_drop(${v.name});`));
    }
  }
  if (fault === 'exit-with-lock') {
    const r = pick(s.roots().filter((x) => x.home !== 'nested'), n)!;
    s.useRoot(r);
    out.push(line(`bpf_spin_lock(${r.lock});`));
    s.inject();   // "bpf_spin_unlock is missing" (6.12) / "... cannot be used inside bpf_spin_lock-ed region" (7.3)
  }
  out.push(line('return 0;'));
  return out;
}

/** The insertion of owning `v` into `r` (its lock held). */
export function insertLine(s: ShadowState, v: string, type: string, r: RootSpec): Stmt[] {
  if (r.kind === 'list') return [line(`bpf_list_push_back(${r.expr}, &${v}->node);`)];
  s.use(`less:${type}`);
  s.shape('less-cb');
  return [line(`bpf_rbtree_add(${r.expr}, &${v}->rb, ${lessName(type)});`)];
}
