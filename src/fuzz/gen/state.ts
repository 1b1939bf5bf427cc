// The generator's shadow of the verifier's ownership state: which variables hold owning or
// non-owning references (the NULL case is always left by an early exit, so a variable is never
// maybe-NULL past its check), which lock is held, which root each inserted node is in. Ops
// consult it to stay valid, and to find the place where the program's one fault fits.
import type { LineName } from '../../profiles/types.js';
import type { FaultKind, Stmt } from '../types.js';
import { CATALOGUE, GLOBAL_ROOTS, MAP_ROOTS, bagRoot, type RootSpec, STRUCTS } from './catalogue.js';

/**
 * owning: a referenced pointer the program must hand on (push/add/stash) or drop;
 * nonown: a non-owning reference, valid until the unlock (ref_set_non_owning);
 * dead: released or invalidated; `why` tells which, for the faults that use it again.
 */
export type RefState = 'owning' | 'nonown' | 'dead';
export type DeadWhy = 'dropped' | 'unlocked' | 'stashed' | 'gone';

export interface Var {
  name: string;
  type: string;
  st: RefState;
  why?: DeadWhy;
  /** The root a non-owning reference points into (the node was inserted there, or peeked). */
  root?: string;
  /** Was inserted by this program (a later insertion of the same node is a double insertion). */
  inserted?: boolean;
  /** A copy of a non-owning reference in a volatile stack slot (the verifier tracks the spill). */
  spill?: boolean;
}

/** What the whole program shares across branch arms: names, declarations, the fault. */
export interface GenCtx {
  line: LineName;
  /** Which kfuncs the line registers (the profile's tree): decides the 7.3-only ops. */
  kfuncs: ReadonlySet<string>;
  fault: FaultKind | null;
  injected: boolean;
  decls: Set<string>;
  shapes: Set<string>;
  next: number;
  useMap: boolean;
  /** Branches read bits of this unknown value (bpf_get_prandom_u32 before any lock). */
  usesRnd: boolean;
  /** Bits of it used so far: each branch tests its own bit. */
  bits: number;
}

export class ShadowState {
  vars: Var[] = [];
  lock: string | null = null;

  constructor(readonly ctx: GenCtx) {}

  clone(): ShadowState {
    const s = new ShadowState(this.ctx);
    s.vars = this.vars.map((v) => ({ ...v }));
    s.lock = this.lock;
    return s;
  }

  fresh(prefix: string): string { return `${prefix}${this.ctx.next++}`; }

  use(key: string): void {
    if (!(key in CATALOGUE)) throw new Error(`generator: no declaration "${key}"`);
    this.ctx.decls.add(key);
  }

  shape(name: string): void { this.ctx.shapes.add(name); }

  /**
   * The condition of a new branch: a bit of `rnd` no other branch of the program tests. Two
   * tests of one bit let clang fold the second (its arm is dead once the first is decided) and
   * could delete the very path that holds the fault.
   */
  branchCond(): string {
    this.ctx.usesRnd = true;
    return `rnd & ${2 ** (this.ctx.bits++ % 32)}u`;
  }

  /** The program's fault may still be placed here; `force` (fallbacks) places it whenever it fits. */
  wants(f: FaultKind, pick: number, force = false): boolean {
    return this.ctx.fault === f && !this.ctx.injected && (force || pick % 4 !== 0);
  }

  /** Place the fault; a second one in the same program is a generator bug (one fault per program). */
  inject(): void {
    if (this.ctx.injected) throw new Error(`generator: a second fault placed (${this.ctx.fault})`);
    this.ctx.injected = true;
  }

  owning(): Var[] { return this.vars.filter((v) => v.st === 'owning'); }
  nonown(): Var[] { return this.vars.filter((v) => v.st === 'nonown'); }
  dead(why: DeadWhy): Var[] { return this.vars.filter((v) => v.st === 'dead' && v.why === why); }

  /** Every root the program can name now: the globals, the map value's, those of owned bags. */
  roots(): RootSpec[] {
    const out = [...GLOBAL_ROOTS];
    if (this.ctx.useMap) out.push(...MAP_ROOTS);
    for (const v of this.vars) if (v.type === 'fz_bag' && v.st === 'owning') out.push(bagRoot(v.name));
    return out;
  }

  root(id: string): RootSpec | undefined { return this.roots().find((r) => r.id === id); }

  /** Roots an object of type `t` can be inserted into (its node field matches the root's kind). */
  rootsFor(t: string): RootSpec[] {
    const s = STRUCTS[t]!;
    return this.roots().filter((r) => r.elem === t && (r.kind === 'list' ? s.list : s.rb) !== undefined);
  }

  /** Roots guarded by the lock held now. */
  lockedRoots(): RootSpec[] { return this.lock === null ? [] : this.roots().filter((r) => r.lock === this.lock); }

  useRoot(r: RootSpec): void {
    this.use(r.decl);
    if (r.home === 'nested' || r.elem === 'fz_bag') this.shape('nested-root');
    if (r.home === 'map') this.shape('map-value-root');
  }

  /** The lock held is dropped: every non-owning reference dies (invalidate_non_owning_refs). */
  unlocked(): void {
    this.lock = null;
    for (const v of this.vars) if (v.st === 'nonown') { v.st = 'dead'; v.why = 'unlocked'; }
  }

  add(v: Var): Var { this.vars.push(v); return v; }

  /**
   * An exit that leaves nothing behind: unlock, drop every owning reference, return. Drops come
   * after the unlock (bpf_obj_drop is not allowed under a lock).
   */
  exitPath(opts: { skipUnlock?: boolean; leak?: string } = {}): Stmt[] {
    const out: Stmt[] = [];
    if (this.lock !== null && !opts.skipUnlock) out.push(line(`bpf_spin_unlock(${this.lock});`));
    for (const v of this.owning()) if (v.name !== opts.leak) out.push(line(`bpf_obj_drop(${v.name});`));
    out.push(line('return 0;'));
    return out;
  }
}

export function line(text: string): Stmt { return { kind: 'line', text }; }

/** `if (!x) { exit }`: the NULL branch leaves the program with the rest released. */
export function nullExit(s: ShadowState, x: string): Stmt {
  return { kind: 'if', cond: `!${x}`, then: s.exitPath(), else: [] };
}

export function pick<T>(xs: readonly T[], n: number): T | undefined {
  return xs.length === 0 ? undefined : xs[n % xs.length];
}
