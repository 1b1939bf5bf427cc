// Conditional jumps (check_cond_jmp_op): decide the branch when the operands allow it
// (is_branch_taken), otherwise push the taken side on the exploration stack and refine both
// sides: scalar bounds (reg_set_min_max + sync_linked_regs) and NULL checks of maybe-null
// pointers (mark_ptr_or_null_regs: all registers sharing the id, the NULL side drops the reference).
import type { Insn, JmpOp } from '../../bpf/insn.js';
import { reject } from '../finding.js';
import { CORE } from '../../rules/index.js';
import { F, T, cloneState, curFrame, forEachReg, isNullReg, regConst, type RegState, type VerifierState } from '../state.js';
import { U32, U64, s32, s64, tnumIsConst, u32 } from '../tnum.js';
import { complexityLimit, hookCtx, next, stop, type Env, type Path, type Step } from './env.js';
import { boundsInvalid, boundsSync } from './scalar.js';
import { checkRead } from './operands.js';

const NEGATE: Record<JmpOp, JmpOp | 'jset_false'> = {
  jeq: 'jne', jne: 'jeq', jgt: 'jle', jge: 'jlt', jlt: 'jge', jle: 'jgt', jsgt: 'jsle', jsge: 'jslt', jslt: 'jsge', jsle: 'jsgt', jset: 'jset_false',
};

interface View { umin: bigint; umax: bigint; smin: bigint; smax: bigint; c: bigint | null }
function view(r: RegState, w: 32 | 64): View {
  const c = tnumIsConst(r.varOff) ? (w === 64 ? r.varOff.value : u32(r.varOff.value)) : null;
  return w === 64 ? { umin: r.umin, umax: r.umax, smin: r.smin, smax: r.smax, c } : { umin: r.u32min, umax: r.u32max, smin: r.s32min, smax: r.s32max, c };
}

/** is_scalar_branch_taken: 1 taken, 0 not taken, -1 unknown. */
function scalarTaken(a: View, b: View, op: JmpOp | 'jset_false', w: 32 | 64): 1 | 0 | -1 {
  switch (op) {
    case 'jeq':
      if (a.c !== null && b.c !== null) return a.c === b.c ? 1 : 0;
      if (a.umin > b.umax || a.umax < b.umin || a.smin > b.smax || a.smax < b.smin) return 0;
      return -1;
    case 'jne': { const t = scalarTaken(a, b, 'jeq', w); return t === -1 ? -1 : t === 1 ? 0 : 1; }
    case 'jset': case 'jset_false': {
      if (a.c === null || b.c === null) return -1;
      const t = (a.c & b.c) !== 0n;
      return (op === 'jset') === t ? 1 : 0;
    }
    case 'jgt': return a.umin > b.umax ? 1 : a.umax <= b.umin ? 0 : -1;
    case 'jge': return a.umin >= b.umax ? 1 : a.umax < b.umin ? 0 : -1;
    case 'jlt': return a.umax < b.umin ? 1 : a.umin >= b.umax ? 0 : -1;
    case 'jle': return a.umax <= b.umin ? 1 : a.umin > b.umax ? 0 : -1;
    case 'jsgt': return a.smin > b.smax ? 1 : a.smax <= b.smin ? 0 : -1;
    case 'jsge': return a.smin >= b.smax ? 1 : a.smax < b.smin ? 0 : -1;
    case 'jslt': return a.smax < b.smin ? 1 : a.smin >= b.smax ? 0 : -1;
    case 'jsle': return a.smax <= b.smin ? 1 : a.smin > b.smax ? 0 : -1;
  }
}

/** is_branch_taken including pointers vs NULL. */
function branchTaken(d: RegState, s: RegState, op: JmpOp, w: 32 | 64): 1 | 0 | -1 {
  const dp = d.type !== T.SCALAR_VALUE, sp = s.type !== T.SCALAR_VALUE;
  if (dp || sp) {
    if (w === 32 || (dp && sp)) return -1;
    const [ptr, other] = dp ? [d, s] : [s, d];
    if (!(ptr.type & F.PTR_MAYBE_NULL) && isNullReg(other)) {
      if (op === 'jeq') return 0;
      if (op === 'jne') return 1;
    }
    return -1;
  }
  return scalarTaken(view(d, w), view(s, w), op, w);
}

/** regs_refine_cond_op on one side: make `op` true between d and s (width w). */
function refine(d: RegState, s: RegState, op: JmpOp | 'jset_false', w: 32 | 64): void {
  const a = view(d, w), b = view(s, w);
  const M = w === 64 ? U64 : U32;
  const max = (x: bigint, y: bigint): bigint => (x > y ? x : y);
  const min = (x: bigint, y: bigint): bigint => (x < y ? x : y);
  switch (op) {
    case 'jeq':
      a.umin = b.umin = max(a.umin, b.umin); a.umax = b.umax = min(a.umax, b.umax);
      a.smin = b.smin = max(a.smin, b.smin); a.smax = b.smax = min(a.smax, b.smax);
      break;
    case 'jne':
      if (b.c !== null) {
        if (a.umin === b.c) a.umin++; else if (a.umax === b.c) a.umax--;
        const sc = w === 64 ? s64(b.c) : s32(b.c);
        if (a.smin === sc) a.smin++; else if (a.smax === sc) a.smax--;
      }
      break;
    case 'jset': break;
    case 'jset_false':
      if (b.c !== null && w === 64) d.varOff = { value: d.varOff.value & ~b.c & M, mask: d.varOff.mask & ~b.c & M };
      break;
    case 'jgt': a.umin = max(a.umin, b.umin + 1n); b.umax = min(b.umax, a.umax - 1n); break;
    case 'jge': a.umin = max(a.umin, b.umin); b.umax = min(b.umax, a.umax); break;
    case 'jlt': a.umax = min(a.umax, b.umax - 1n); b.umin = max(b.umin, a.umin + 1n); break;
    case 'jle': a.umax = min(a.umax, b.umax); b.umin = max(b.umin, a.umin); break;
    case 'jsgt': a.smin = max(a.smin, b.smin + 1n); b.smax = min(b.smax, a.smax - 1n); break;
    case 'jsge': a.smin = max(a.smin, b.smin); b.smax = min(b.smax, a.smax); break;
    case 'jslt': a.smax = min(a.smax, b.smax - 1n); b.smin = max(b.smin, a.smin + 1n); break;
    case 'jsle': a.smax = min(a.smax, b.smax); b.smin = max(b.smin, a.smin); break;
  }
  const put = (r: RegState, v: View): void => {
    if (w === 64) { r.umin = v.umin; r.umax = v.umax; r.smin = v.smin; r.smax = v.smax; }
    else { r.u32min = v.umin; r.u32max = v.umax; r.s32min = v.smin; r.s32max = v.smax; }
    if (!boundsInvalid(r)) boundsSync(r);
  };
  put(d, a);
  put(s, b);
  if (op === 'jeq' && w === 64) {
    if (tnumIsConst(s.varOff) && !boundsInvalid(d)) d.varOff = s.varOff;
    else if (tnumIsConst(d.varOff) && !boundsInvalid(s)) s.varOff = d.varOff;
  }
}

/** sync_linked_regs: every scalar sharing `r.id` gets r's bounds. */
function syncLinked(st: VerifierState, r: RegState): void {
  if (!r.id || r.type !== T.SCALAR_VALUE) return;
  forEachReg(st, (x) => {
    if (x !== r && x.type === T.SCALAR_VALUE && x.id === r.id) {
      x.varOff = r.varOff; x.umin = r.umin; x.umax = r.umax; x.smin = r.smin; x.smax = r.smax;
      x.u32min = r.u32min; x.u32max = r.u32max; x.s32min = r.s32min; x.s32max = r.s32max;
    }
  });
}

/** mark_ptr_or_null_regs: NULL-check outcome for every register sharing the id. */
export function markPtrOrNull(env: Env, st: VerifierState, reg: RegState, isNull: boolean, insnIdx: number): void {
  const id = reg.id;
  const refObjId = reg.refObjId;
  if (!id) return;
  if (isNull && refObjId) {
    const i = st.refs.findIndex((r) => r.id === refObjId);
    if (i >= 0) st.refs.splice(i, 1); // the NULL side does not leak (release_reference_state)
  }
  forEachReg(st, (r) => {
    if (r.id !== id || !(r.type & F.PTR_MAYBE_NULL)) return;
    if (isNull) { Object.assign(r, regConst(0n)); return; }
    r.type &= ~F.PTR_MAYBE_NULL;
    // mark_ptr_not_null_reg: a map-in-map lookup result is the inner map (its template stands
    // for every inner map; each lookup of it gives values with fresh ids)
    if (r.type === T.PTR_TO_MAP_VALUE && r.map?.innerMap) { r.type = T.CONST_PTR_TO_MAP; r.map = r.map.innerMap; }
    const ctx = hookCtx(env, { state: st, insn: insnIdx, parent: null }, insnIdx, () => { /* no callbacks from a NULL check */ });
    if (!(env.hooks.mayPointToSpinLock?.(r, ctx) ?? false)) r.id = 0;
  });
}

export function condJump(env: Env, path: Path, insn: Extract<Insn, { kind: 'jmp' }>, idx: number): Step {
  const st = path.state;
  if (insn.useReg) { const e = checkRead(env, st, insn.src, idx); if (e) return e; }
  const e = checkRead(env, st, insn.dst, idx); if (e) return e;
  const w: 32 | 64 = insn.jmp32 ? 32 : 64;
  const regs = curFrame(st).regs;
  const d = regs[insn.dst]!;
  const s = insn.useReg ? regs[insn.src]! : regConst(insn.jmp32 ? u32(BigInt(insn.imm)) : BigInt.asUintN(64, BigInt(insn.imm)));
  const target = idx + 1 + insn.off;
  const taken = branchTaken(d, s, insn.op, w);
  st.jmps++;
  if (taken === 1) return next(target);
  if (taken === 0) return next(idx + 1);

  if (env.pending.length + 1 > env.profile.switches.jmpSeqLimit) return stop(complexityLimit(env, idx, 'pending branches', env.pending.length + 1));
  const other = cloneState(st);
  const od = curFrame(other).regs[insn.dst]!;
  const os = insn.useReg ? curFrame(other).regs[insn.src]! : { ...s };

  // NULL checks of maybe-null pointers (only 64-bit compares against 0)
  const nullCheck = (dr: RegState, sr: RegState): boolean =>
    !insn.jmp32 && (insn.op === 'jeq' || insn.op === 'jne') && (dr.type & F.PTR_MAYBE_NULL) !== 0 && isNullReg(sr);
  let otherDead = false, thisDead = false;
  if (nullCheck(d, s) || nullCheck(s, d)) {
    const [tr, orr] = nullCheck(d, s) ? [d, od] : [s, os];
    markPtrOrNull(env, other, orr, insn.op === 'jeq', idx);
    markPtrOrNull(env, st, tr, insn.op === 'jne', idx);
  } else if (d.type === T.SCALAR_VALUE && s.type === T.SCALAR_VALUE) {
    refine(od, os, insn.op, w);
    refine(d, s, NEGATE[insn.op], w);
    otherDead = boundsInvalid(od) || boundsInvalid(os);
    thisDead = boundsInvalid(d) || boundsInvalid(s);
    if (!otherDead) { syncLinked(other, od); if (insn.useReg) syncLinked(other, os); }
    if (!thisDead) { syncLinked(st, d); if (insn.useReg) syncLinked(st, s); }
  }
  if (!otherDead) {
    env.pending.push({ state: other, insn: target, parent: path.parent });
    if (path.parent) path.parent.branches++;
  }
  if (thisDead) return { kind: 'end' };
  return next(idx + 1);
}

/**
 * may_goto (check_cond_jmp_op, BPF_JCOND): the path goes on at the jump target; the fall-through
 * (the loop body, at run time taken until the budget runs out) is queued one may_goto_depth
 * deeper. The kernel also widens imprecise scalars of the queued state against the loop's
 * previous iteration; the model has no precision marks, so it keeps every scalar (it explores
 * more iterations; is_state_visited ends the loop when an iteration is within an earlier one).
 */
export function mayGoto(env: Env, path: Path, insn: Extract<Insn, { kind: 'may_goto' }>, idx: number): Step {
  const st = path.state;
  st.jmps++;
  if (env.pending.length + 1 > env.profile.switches.jmpSeqLimit) return stop(complexityLimit(env, idx, 'pending branches', env.pending.length + 1));
  const body = cloneState(st);
  body.mayGotoDepth = (st.mayGotoDepth ?? 0) + 1;
  env.pending.push({ state: body, insn: idx + 1, parent: path.parent });
  if (path.parent) path.parent.branches++;
  return next(idx + 1 + insn.off);
}
