// The visited-state cache (is_state_visited / states_equal / regsafe / stacksafe / refsafe).
// The kernel prunes with liveness and precision marks; the model has neither, so it compares
// scalars by range + tnum containment (as if all were precise) and registers/slots by
// subsumption. That prunes less than the kernel (more work, same verdicts).
import { reject, type Finding } from '../finding.js';
import { CORE } from '../../rules/index.js';
import { T, cloneState, type FuncState, type RegState, type StackSlot, type VerifierState } from '../state.js';
import { tnumEquals, tnumIn } from '../tnum.js';
import type { Checkpoint, Env, Path } from './env.js';

/**
 * check_ids: old id <-> cur id must map one-to-one within one comparison. A state holds a handful
 * of ids, so the pairs live in one flat array (old, cur, old, cur...) searched linearly: this runs
 * for every comparison at every prune point, and two Maps per comparison were most of its cost.
 */
class IdMap {
  private pairs: number[] = [];
  check(o: number, c: number): boolean {
    if (!o && !c) return true;
    if (!o || !c) return false;
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) {
      if (p[i] === o) return p[i + 1] === c;
      if (p[i + 1] === c) return false;
    }
    p.push(o, c);
    return true;
  }
}

function regsafe(o: RegState, c: RegState, ids: IdMap, exact: boolean): boolean {
  if (o.type === T.NOT_INIT) return !exact || c.type === T.NOT_INIT;
  if (c.type === T.NOT_INIT || o.type !== c.type) return false;
  const within = exact
    ? o.umin === c.umin && o.umax === c.umax && o.smin === c.smin && o.smax === c.smax && o.u32min === c.u32min && o.u32max === c.u32max
      && o.s32min === c.s32min && o.s32max === c.s32max && tnumEquals(o.varOff, c.varOff)
    : o.umin <= c.umin && o.umax >= c.umax && o.smin <= c.smin && o.smax >= c.smax && o.u32min <= c.u32min && o.u32max >= c.u32max
      && o.s32min <= c.s32min && o.s32max >= c.s32max && tnumIn(o.varOff, c.varOff);
  if (!within) return false;
  if (o.type === T.SCALAR_VALUE) return !o.id || ids.check(o.id, c.id) || !exact && !o.id;
  return o.off === c.off && o.map === c.map && o.frameno === c.frameno && o.subprog === c.subprog && o.memSize === c.memSize
    && (o.btf === c.btf || (!!o.btf && !!c.btf && o.btf.btf === c.btf.btf && o.btf.id === c.btf.id))
    && ids.check(o.id, c.id) && ids.check(o.refObjId, c.refObjId);
}

const EMPTY: StackSlot = { bytes: ['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid'], spilled: null };

function stacksafe(o: FuncState, c: FuncState, ids: IdMap, exact: boolean): boolean {
  const n = Math.max(o.stack.length, exact ? c.stack.length : 0);
  for (let i = 0; i < n; i++) {
    const os = o.stack[i] ?? EMPTY, cs = c.stack[i] ?? EMPTY;
    for (let b = 0; b < 8; b++) {
      const ob = os.bytes[b]!, cb = cs.bytes[b]!;
      if (exact) { if (ob !== cb) return false; continue; }
      if (ob === 'invalid') continue;                   // old never relied on it
      if (ob === 'misc' && cb !== 'spill') continue;    // privileged: misc/zero/invalid all read as unknown scalars
      if (ob !== cb) return false;
    }
    if (os.bytes[7] === 'spill') {
      if (!os.spilled || !cs.spilled || !regsafe(os.spilled, cs.spilled, ids, exact)) return false;
    }
  }
  return true;
}

/**
 * Necessary for statesEqual(old, cur, false): every register old relies on has the same type in
 * cur, and a register old knows as a constant is that constant in cur. Counter loops keep dozens
 * of checkpoints per prune point that differ from the current state in one constant; this finds
 * that register without the id map or the stack walk.
 */
function regsMaySubsume(old: VerifierState, cur: VerifierState): boolean {
  for (let f = 0; f < old.frames.length; f++) {
    const o = old.frames[f]!.regs, c = cur.frames[f]!.regs;
    for (let r = 0; r < o.length; r++) {
      const or = o[r]!, cr = c[r]!;
      if (or.type === T.NOT_INIT) continue;
      if (or.type !== cr.type) return false;
      if (or.type === T.SCALAR_VALUE && or.varOff.mask === 0n && (cr.varOff.mask !== 0n || cr.varOff.value !== or.varOff.value)) return false;
    }
  }
  return true;
}

/** states_equal: `old` subsumes `cur` (or equals it exactly, for loop detection). */
export function statesEqual(old: VerifierState, cur: VerifierState, exact: boolean): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  if (!exact && !regsMaySubsume(old, cur)) return false;
  if (old.activeRcuLocks !== cur.activeRcuLocks || old.activePreemptLock !== cur.activePreemptLock) return false;
  const ids = new IdMap();
  if (!!old.activeLock !== !!cur.activeLock) return false;
  if (old.activeLock && cur.activeLock && (old.activeLock.ptr !== cur.activeLock.ptr || !ids.check(old.activeLock.id, cur.activeLock.id))) return false;
  if (old.refs.length !== cur.refs.length) return false;
  for (let i = 0; i < old.refs.length; i++) {
    if (!ids.check(old.refs[i]!.id, cur.refs[i]!.id) || old.refs[i]!.callbackRef !== cur.refs[i]!.callbackRef) return false;
  }
  for (let f = 0; f < old.frames.length; f++) {
    const o = old.frames[f]!, c = cur.frames[f]!;
    if (o.callsite !== c.callsite || o.inCallbackFn !== c.inCallbackFn) return false;
    for (let r = 0; r < o.regs.length; r++) if (!regsafe(o.regs[r]!, c.regs[r]!, ids, exact)) return false;
    if (!stacksafe(o, c, ids, exact)) return false;
  }
  return true;
}

/**
 * A number that two exactly equal states (statesEqual(.., true)) always share: frame count and,
 * for every register, its type and tnum bits. Loop detection compares the current state exactly
 * with every checkpoint still being explored at this insn; most differ in a counter register, and
 * this rules them out without the full comparison (the role states_maybe_looping plays in the
 * kernel). Ids and stack are left out: exact equality maps ids and pads missing slots.
 */
export function exactSignature(s: VerifierState): number {
  let h = s.frames.length | 0;
  for (const f of s.frames) {
    for (const r of f.regs) {
      h = Math.imul(h ^ r.type, 0x01000193);
      if (r.type === T.NOT_INIT) continue;
      h = Math.imul(h ^ Number(BigInt.asUintN(32, r.varOff.value)), 0x01000193);
      h = Math.imul(h ^ Number(BigInt.asUintN(32, r.varOff.mask)), 0x01000193);
      if (r.type !== T.SCALAR_VALUE) h = Math.imul(h ^ r.off, 0x01000193); // regsafe ignores a scalar's off
    }
  }
  return h;
}

/** is_state_visited at a prune point: 'prune' (safe), a finding (infinite loop) or null (checkpoint added). */
export function isStateVisited(env: Env, path: Path): 'prune' | Finding | null {
  const list = env.visited.get(path.insn) ?? [];
  const cbSite = env.callbackSites.has(path.insn);
  const mayGotoSite = env.insns[path.insn]?.kind === 'may_goto';
  const depth = path.state.mayGotoDepth ?? 0;
  let sig: number | null = null;
  for (const cp of list) {
    if (cp.branches > 0 && !cbSite) {
      // a may_goto loop converges: an iteration within an earlier one still being explored is safe
      if (mayGotoSite && (cp.state.mayGotoDepth ?? 0) !== depth && statesEqual(cp.state, path.state, false)) return 'prune';
      sig ??= exactSignature(path.state);
      if (cp.sig === sig && (cp.state.callbackUnrollDepth ?? 0) === (path.state.callbackUnrollDepth ?? 0)
        && (cp.state.mayGotoDepth ?? 0) === depth && statesEqual(cp.state, path.state, true)) {
        return reject(env.profile.rules, CORE.infiniteLoop, path.insn, path.insn);
      }
      continue; // still being explored: its safety is not established yet
    }
    if (statesEqual(cp.state, path.state, false)) return 'prune';
  }
  if (list.length >= 64) return null; // bound the cache per insn
  const cp: Checkpoint = { insn: path.insn, state: cloneState(path.state), sig: sig ?? exactSignature(path.state), branches: 1, parent: path.parent };
  path.parent = cp;
  list.push(cp);
  env.visited.set(path.insn, list);
  return null;
}

/** update_branch_counts: a path ended (exit, prune); release its ancestors. */
export function endPath(parent: Checkpoint | null): void {
  for (let p = parent; p; p = p.parent) {
    if (--p.branches > 0) break;
  }
}
