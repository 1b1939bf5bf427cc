// The shapes of a fuzz campaign: a generated program is a small statement tree over the graph API
// (so the shrinker can delete statements and unwrap blocks and render the rest again), plus the
// object-level declarations it needs. The generator (gen/) makes them from a seed and a profile;
// the campaign (campaign.ts) renders many per object, compiles, loads, models and compares them;
// the shrinker (shrink.ts) minimises a disagreement; findings.ts writes the result out.
import type { LineName } from '../profiles/types.js';

/** Faults the generator injects, at most one per program (null: a program meant to be valid). */
export const FAULTS = [
  'missing-null-check',        // obj_new / pop / remove / map lookup result used without a NULL check
  'nonown-after-unlock',       // a non-owning reference used after bpf_spin_unlock
  'graph-op-without-lock',     // push/pop/add/remove/first without the root's lock held
  'wrong-lock',                // a lock held, but not the one of the root's allocation
  'double-insert',             // an owning node pushed/added twice (second time: non-owning)
  'drop-nonown',               // bpf_obj_drop of a non-owning reference
  'leak-at-exit',              // an owning reference not handed on or dropped
  'exit-with-lock',            // return while the lock is held
  'lock-twice',                // bpf_spin_lock while a lock is held
  'nonown-to-rbtree-add',      // a non-owning node passed to bpf_rbtree_add
  'refcount-no-field',         // bpf_refcount_acquire on a type without bpf_refcount
  'call-under-lock',           // a helper or kfunc not allowed while the lock is held
  'kptr-wrong-type',           // bpf_kptr_xchg of an object of another type into a __kptr field
  'special-field-access',      // direct load/store of a bpf_list_node / rb_node / lock / refcount field
  'use-after-drop',            // an owning reference used after bpf_obj_drop
  'unlock-without-lock',       // bpf_spin_unlock with no lock held
  'less-cb-graph-op',          // a graph operation inside the less() callback
  'release-twice',             // an owning reference released twice (drop after push...)
  'node-type-mismatch',        // a node of another type or field passed (by a cast) to a root's insertion
  'unlock-wrong-lock',         // bpf_spin_unlock of a lock other than the one held
] as const;
export type FaultKind = (typeof FAULTS)[number];

/** One C statement, or a block the shrinker can unwrap. Text is C without the trailing newline. */
export type Stmt =
  | { kind: 'line'; text: string }
  | { kind: 'if'; cond: string; then: Stmt[]; else: Stmt[] }
  | { kind: 'loop'; head: string; body: Stmt[] };   // head: e.g. "for (int i = 0; i < 4; i++)"

/**
 * A declaration at file scope (a struct, a map, a global root, a static subprogram, a less()
 * callback). `key` names it: programs rendered into one object share a declaration by key, so the
 * same key must always carry the same text. `needs`: keys of declarations it refers to.
 */
export interface Decl { key: string; text: string; needs: string[] }

export interface FuzzProgram {
  /** A C identifier, unique in its campaign (e.g. f_<seed>_<index>). */
  name: string;
  /** The kernel line whose graph API the program is written against. */
  line: LineName;
  /** The fault injected, or null for a program meant to be accepted. */
  fault: FaultKind | null;
  /** Shapes used (several-roots, map-value-root, nested-root, refcounted-both, branch, loop, static-subprog, global-subprog, less-cb, kptr-stash...). */
  shapes: string[];
  /** Program type section, e.g. "tc". */
  section: string;
  /** Keys of the declarations the body uses (Decl.key). */
  decls: string[];
  body: Stmt[];
}

/** A generated batch: the programs and every declaration any of them names. */
export interface FuzzBatch { programs: FuzzProgram[]; decls: Record<string, Decl> }

/** Generator entry point (gen/index.ts): deterministic in (seed, line, count). */
export type Generate = (opts: { seed: number; line: LineName; count: number; first?: number }) => FuzzBatch;
