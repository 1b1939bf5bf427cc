// Operations on objects: bpf_obj_new, field access, bpf_obj_drop, bpf_refcount_acquire, kptr
// stashes, subprogram calls. Each is valid for the shadow state, or becomes the program's fault.
import type { Stmt } from '../types.js';
import { STASH, STRUCTS } from './catalogue.js';
import { choose, type Op, type OpFn } from './op.js';
import { insertLine } from './shapes.js';
import { line, nullExit, type ShadowState, type Var } from './state.js';

const NEW_TYPES = ['fz_item', 'fz_tnode', 'fz_shared'];

/** bpf_obj_new + NULL check (an early exit). Under a lock it is a refused call. */
export const opNew: OpFn = (s, o) => {
  const t = o.type ?? NEW_TYPES[o.a % NEW_TYPES.length]!;
  if (s.lock !== null) {
    if (!s.wants('call-under-lock', o.c, o.force)) return null;
    s.inject();   // bpf_obj_new is not a graph API kfunc (6.12) / not KF_SPINLOCK_SAFE (7.3)
  }
  return newObject(s, o, t);
};

export function newObject(s: ShadowState, o: Op, t: string): Stmt[] {
  const v = s.fresh(t === 'fz_bag' ? 'bag' : 'n');
  s.use(`struct:${t}`);
  const out: Stmt[] = [line(`struct ${t} *${v} = bpf_obj_new(struct ${t});`)];
  if (s.wants('missing-null-check', o.c, o.force)) {
    s.inject();   // R0 of bpf_obj_new is PTR_MAYBE_NULL: the store needs a check first
  } else {
    out.push(nullExit(s, v));
  }
  out.push(line(`${v}->key = ${o.b};`));
  s.add({ name: v, type: t, st: 'owning' });
  return out;
}

/** An allocated object holding its own lock and list (the nested-root shape). */
export const opBag: OpFn = (s, o) => {
  if (s.lock !== null) return null;
  s.shape('nested-root');
  return newObject(s, o, 'fz_bag');
};

const isData = (v: Var) => v.type !== 'fz_bag';

/** A store to an object's data: owning and non-owning references may both be written. */
export const opWrite: OpFn = (s, o) => access(s, o, 'write');
/** A load, kept by the volatile sink. */
export const opRead: OpFn = (s, o) => access(s, o, 'read');

function access(s: ShadowState, o: Op, kind: 'read' | 'write'): Stmt[] | null {
  const text = (v: string, field: string) => kind === 'write' ? `${v}->${field} = ${o.b};` : `sink += ${v}->${field};`;
  const dropped = s.dead('dropped').filter(isData);
  if (dropped.length > 0 && s.wants('use-after-drop', o.c, o.force)) {
    s.inject();   // bpf_obj_drop released the reference: the register is a scalar now
    return [line(text(choose(dropped, o)!.name, 'key'))];
  }
  const stale = s.dead('unlocked').filter(isData);
  if (stale.length > 0 && s.wants('nonown-after-unlock', o.c, o.force)) {
    s.inject();   // bpf_spin_unlock invalidated every non-owning reference
    return [line(text(choose(stale, o)!.name, 'key'))];
  }
  // the unlock or the drop made here, validly, and the reference used after it
  const non = s.nonown().filter(isData);
  if (s.lock !== null && non.length > 0 && s.wants('nonown-after-unlock', o.c, o.force)) {
    s.inject();
    const v = choose(non, o)!;
    const l = s.lock;
    s.unlocked();
    return [line(`bpf_spin_unlock(${l});`), line(text(v.name, 'key'))];
  }
  const own = s.owning().filter(isData);
  if (s.lock === null && own.length > 0 && s.wants('use-after-drop', o.c, o.force)) {
    s.inject();
    const v = choose(own, o)!;
    v.st = 'dead'; v.why = 'dropped';
    return [line(`bpf_obj_drop(${v.name});`), line(text(v.name, 'key'))];
  }
  const live = s.vars.filter((v) => v.st !== 'dead');
  if (s.wants('special-field-access', o.c, o.force)) {
    // btf_struct_access / check_map_access refuse loads and stores that touch a graph node, a
    // root, a lock or the refcount.
    const owned = live.filter((v) => v.st === 'owning');
    if (owned.length > 0) {
      s.inject();
      const v = choose(owned, o)!;
      return [line(text(v.name, STRUCTS[v.type]!.special))];
    }
    if (s.ctx.useMap) { s.inject(); return [line(text('mv', 'lock.val'))]; }
  }
  const targets = live.filter(isData);
  const v = choose(targets, o);
  if (v === undefined) return null;
  return [line(text(v.name, o.b % 2 === 0 || v.type !== 'fz_item' ? 'key' : 'val'))];
}

/** bpf_obj_drop: only owning references, only without a lock. */
export const opDrop: OpFn = (s, o) => {
  if (s.lock !== null) {
    const non = s.nonown();
    if (non.length > 0 && s.wants('drop-nonown', o.c, o.force)) {
      s.inject();   // a non-owning reference has no ref_obj_id to release
      return [line(`bpf_obj_drop(${choose(non, o)!.name});`)];
    }
    const own = s.owning();
    if (own.length > 0 && s.wants('call-under-lock', o.c, o.force)) {
      s.inject();
      const v = choose(own, o)!;
      v.st = 'dead'; v.why = 'dropped';
      return [line(`bpf_obj_drop(${v.name});`)];
    }
    return null;
  }
  // insert a node, validly, and drop the non-owning reference it leaves
  const ins = s.owning().flatMap((v) => s.rootsFor(v.type).map((r) => ({ v, r })));
  if (ins.length > 0 && s.wants('drop-nonown', o.c, o.force)) {
    s.inject();
    const { v, r } = choose(ins, o)!;
    s.useRoot(r);
    v.st = 'dead'; v.why = 'gone';
    return [line(`bpf_spin_lock(${r.lock});`), ...insertLine(s, v.name, v.type, r), line(`bpf_obj_drop(${v.name});`), line(`bpf_spin_unlock(${r.lock});`)];
  }
  const again = s.vars.filter((v) => v.st === 'dead' && (v.why === 'dropped' || (v.why === 'unlocked' && v.inserted)));
  if (again.length > 0 && s.wants('release-twice', o.c, o.force)) {
    s.inject();   // the reference was released already (by the drop, or by the insertion)
    return [line(`bpf_obj_drop(${choose(again, o)!.name});`)];
  }
  const v = choose(s.owning(), o);
  if (v === undefined) return null;
  v.st = 'dead'; v.why = 'dropped';
  if (s.wants('release-twice', o.c, o.force)) {
    s.inject();
    return [line(`bpf_obj_drop(${v.name});`), line(`bpf_obj_drop(${v.name});`)];
  }
  return [line(`bpf_obj_drop(${v.name});`)];
};

/**
 * bpf_refcount_acquire: a second owning reference. From an owning argument R0 is never NULL
 * (is_kfunc_ret_null); from a non-owning one it may be. The check is written either way.
 */
export const opAcquire: OpFn = (s, o) => {
  const plain = s.owning().filter((v) => !STRUCTS[v.type]!.refcounted);
  // an object of a type without bpf_refcount: one owned, or one allocated here
  if ((plain.length > 0 || s.lock === null) && s.wants('refcount-no-field', o.c, o.force)) {
    s.inject();
    const pre = plain.length > 0 ? [] : newObject(s, o, o.b % 2 === 0 ? 'fz_item' : 'fz_tnode');
    const v = plain.length > 0 ? choose(plain, o)! : s.vars[s.vars.length - 1]!;
    const r = s.fresh('r');
    return [...pre, line(`struct ${v.type} *${r} = bpf_refcount_acquire(${v.name});`), { kind: 'if', cond: r, then: [line(`bpf_obj_drop(${r});`)], else: [] }];
  }
  const v = choose(s.vars.filter((x) => x.st !== 'dead' && STRUCTS[x.type]!.refcounted), o);
  if (v === undefined) return null;
  const r = s.fresh('r');
  const out = [line(`struct ${v.type} *${r} = bpf_refcount_acquire(${v.name});`), nullExit(s, r)];
  s.add({ name: r, type: v.type, st: 'owning' });
  s.shape('refcount');
  return out;
};

/** bpf_kptr_xchg into the map value's fz_item __kptr; the old object comes back and is dropped. */
export const opStash: OpFn = (s, o) => {
  if (!s.ctx.useMap || s.lock !== null) return null;   // 6.12 refuses helper calls under a lock
  const other = s.owning().filter((v) => v.type !== STASH.type);
  let v: Var | undefined;
  const pre: Stmt[] = [];
  if (s.wants('kptr-wrong-type', o.c, o.force)) {
    s.inject();   // map_kptr_match_type: the __kptr field names fz_item
    if (other.length === 0) pre.push(...newObject(s, o, o.b % 2 === 0 ? 'fz_tnode' : 'fz_shared'));
    v = other.length > 0 ? choose(other, o)! : s.vars[s.vars.length - 1]!;
  } else {
    v = choose(s.owning().filter((x) => x.type === STASH.type), o);
    if (v === undefined) return null;
  }
  s.use('map:fz_map');
  s.shape('kptr-stash');
  v.st = 'dead'; v.why = 'stashed';
  const old = s.fresh('old');
  return [...pre, line(`struct fz_item *${old} = bpf_kptr_xchg(&${STASH.field}, ${v.name});`),
    { kind: 'if', cond: old, then: [line(`bpf_obj_drop(${old});`)], else: [] }];
};

/** Take the stashed object out: an owning reference, maybe NULL. */
export const opUnstash: OpFn = (s, o) => {
  if (!s.ctx.useMap || s.lock !== null) return null;
  s.use('map:fz_map');
  s.shape('kptr-stash');
  const v = s.fresh('st');
  const out: Stmt[] = [line(`struct fz_item *${v} = bpf_kptr_xchg(&${STASH.field}, NULL);`)];
  if (s.wants('missing-null-check', o.c, o.force)) s.inject();
  else out.push(nullExit(s, v));
  out.push(line(`${v}->val = ${o.b};`));
  s.add({ name: v, type: 'fz_item', st: 'owning' });
  return out;
};

/** A static subprogram reading a live reference (allowed under the lock since 6.9). */
export const opSubKey: OpFn = (s, o) => {
  const v = choose(s.vars.filter((x) => x.st !== 'dead' && isData(x)), o);
  if (v === undefined) return null;
  s.use(`sub:key_${v.type}`);
  s.shape('static-subprog');
  return [line(`sink += fz_key_${v.type}(${v.name});`)];
};

/** A static subprogram that takes the lock and pushes the caller's owning node. */
export const opSubPush: OpFn = (s, o) => {
  if (s.lock !== null) return null;
  const v = choose(s.owning().filter((x) => x.type === 'fz_item' || x.type === 'fz_shared'), o);
  if (v === undefined) return null;
  const root = v.type === 'fz_item' ? 'fza_list' : 'fzb_list';
  s.use(`sub:push_${root}`);
  s.shape('static-subprog');
  v.st = 'dead'; v.why = 'unlocked'; v.inserted = true;
  return [line(`fz_push_${root}(${v.name});`)];
};

/** A global subprogram: verified on its own; refused while the caller holds a lock. */
export const opGsub: OpFn = (s, o) => {
  if (s.lock !== null) {
    if (!s.wants('call-under-lock', o.c, o.force)) return null;
    s.inject();
  }
  s.use('gsub:fill_fza');
  s.shape('global-subprog');
  return [line(`sink += fz_fill_fza(${o.b});`)];
};

/**
 * One refcounted object in a list and a tree at once: bpf_refcount_acquire gives the second
 * owning reference, each reference is inserted under its root's lock (fza_tree, fzb_list).
 */
export const opShare: OpFn = (s, o) => {
  if (s.lock !== null) return null;
  const pre: Stmt[] = [];
  let v = choose(s.owning().filter((x) => x.type === 'fz_shared'), o);
  if (v === undefined) {
    pre.push(...newObject(s, o, 'fz_shared'));
    v = s.vars[s.vars.length - 1]!;
  }
  const r = s.fresh('r');
  s.use('group:fza');
  s.use('group:fzb');
  s.use('less:fz_shared');
  s.shape('refcounted-both');
  s.shape('less-cb');
  const out: Stmt[] = [...pre, line(`struct fz_shared *${r} = bpf_refcount_acquire(${v.name});`), nullExit(s, r),
    line('bpf_spin_lock(&fza_lock);'), line(`bpf_rbtree_add(&fza_tree, &${v.name}->rb, fz_less_fz_shared);`),
    line('bpf_spin_unlock(&fza_lock);'), line('bpf_spin_lock(&fzb_lock);'),
    line(`bpf_list_push_${o.b % 2 === 0 ? 'back' : 'front'}(&fzb_list, &${r}->node);`), line('bpf_spin_unlock(&fzb_lock);')];
  v.st = 'dead'; v.why = 'unlocked'; v.inserted = true;
  s.add({ name: r, type: 'fz_shared', st: 'dead', why: 'unlocked', inserted: true });
  return out;
};

/**
 * A non-owning reference copied to a volatile stack slot: the spilled copy is the same reference
 * (valid until the unlock, then invalidated with the register, bpf_for_each_reg_in_vstate).
 * Copies are only read and written, never handed to a kfunc that needs the node itself.
 */
export const opSpill: OpFn = (s, o) => {
  const v = choose(s.nonown().filter((x) => isData(x) && !x.spill), o);
  if (v === undefined) return null;
  const a = s.fresh('sp');
  s.shape('spill');
  s.add({ name: a, type: v.type, st: 'nonown', root: v.root, spill: true });
  return [line(`struct ${v.type} *volatile ${a} = ${v.name};`)];
};
