// Scalar value tracking: 64-bit and 32-bit bounds plus a tnum, combined after every operation the
// way reg_bounds_sync (verifier.c) does. Operations that the kernel gives up on (div, mod, variable
// shifts...) produce an unknown scalar, as adjust_scalar_min_max_vals does.
import type { AluOp } from '../../bpf/insn.js';
import { markUnknown, setKnown, type RegState } from '../state.js';
import {
  S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32, U64, s32, s64, tnumAdd, tnumAnd, tnumArshift, tnumCast, tnumIntersect, tnumIsConst, tnumLshift,
  tnumMul, tnumOr, tnumRange, tnumRshift, tnumSub, tnumSubreg, tnumUnknown, tnumXor, u32, u64, type Tnum,
} from '../tnum.js';

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

type SyncedBounds = Pick<RegState, 'varOff' | 'umin' | 'umax' | 'smin' | 'smax' | 'u32min' | 'u32max' | 's32min' | 's32max'>;
const snapshot = (r: RegState): SyncedBounds => ({
  varOff: r.varOff, umin: r.umin, umax: r.umax, smin: r.smin, smax: r.smax, u32min: r.u32min, u32max: r.u32max, s32min: r.s32min, s32max: r.s32max,
});
const sameBounds = (a: SyncedBounds, b: SyncedBounds): boolean =>
  a.varOff.value === b.varOff.value && a.varOff.mask === b.varOff.mask && a.umin === b.umin && a.umax === b.umax && a.smin === b.smin
  && a.smax === b.smax && a.u32min === b.u32min && a.u32max === b.u32max && a.s32min === b.s32min && a.s32max === b.s32max;

/** reg_bounds_sync: make tnum, unsigned, signed, 32 and 64-bit bounds agree. */
export function boundsSync(r: RegState): void {
  // Two fixed points are common enough to test first (the walk syncs after every scalar op): a
  // known constant whose bounds all say so, and a wholly unknown scalar.
  if (r.varOff.mask === 0n) {
    const v = r.varOff.value;
    if (r.umin === v && r.umax === v && r.smin === r.smax && r.smin === s64(v) && r.u32min === r.u32max
      && r.u32min === u32(v) && r.s32min === r.s32max && r.s32min === s32(v)) return;
  } else if (r.varOff.mask === U64 && r.umin === 0n && r.umax === U64 && r.smin === S64_MIN && r.smax === S64_MAX
    && r.u32min === 0n && r.u32max === U32 && r.s32min === S32_MIN && r.s32max === S32_MAX) return;
  for (let round = 0; round < 2; round++) {
    const before = round === 0 ? snapshot(r) : null;
    // __update_reg32_bounds / __update_reg64_bounds from the tnum
    const sub = tnumSubreg(r.varOff);
    r.u32min = max(r.u32min, sub.value); r.u32max = min(r.u32max, sub.value | sub.mask);
    r.s32min = max(r.s32min, s32(sub.value | (sub.mask & (1n << 31n)))); r.s32max = min(r.s32max, s32(sub.value | (sub.mask & ~(1n << 31n) & U32)));
    r.umin = max(r.umin, r.varOff.value); r.umax = min(r.umax, r.varOff.value | r.varOff.mask);
    r.smin = max(r.smin, s64(r.varOff.value | (r.varOff.mask & (1n << 63n)))); r.smax = min(r.smax, s64(r.varOff.value | (r.varOff.mask & ~(1n << 63n) & U64)));
    // 64 -> 32: same upper 32 bits on both ends
    if ((r.umin >> 32n) === (r.umax >> 32n)) { r.u32min = max(r.u32min, u32(r.umin)); r.u32max = min(r.u32max, u32(r.umax)); }
    if ((r.smin >> 32n) === (r.smax >> 32n) && s32(r.smin) <= s32(r.smax)) { r.s32min = max(r.s32min, s32(r.smin)); r.s32max = min(r.s32max, s32(r.smax)); }
    // 32: signed <-> unsigned when the sign is known
    if (s32(r.u32min) <= s32(r.u32max)) { r.s32min = max(r.s32min, s32(r.u32min)); r.s32max = min(r.s32max, s32(r.u32max)); }
    if (r.s32min >= 0n || r.s32max < 0n) { r.u32min = max(r.u32min, u32(r.s32min)); r.u32max = min(r.u32max, u32(r.s32max)); }
    // 64: signed <-> unsigned when the sign is known
    if (s64(r.umin) <= s64(r.umax)) { r.smin = max(r.smin, s64(r.umin)); r.smax = min(r.smax, s64(r.umax)); }
    if (r.smin >= 0n || r.smax < 0n) { r.umin = max(r.umin, u64(r.smin)); r.umax = min(r.umax, u64(r.smax)); }
    // 32 -> 64 when the upper half is known zero
    if (r.umax <= U32) { r.umin = max(r.umin, r.u32min); r.umax = min(r.umax, r.u32max); r.smin = max(r.smin, r.umin); r.smax = min(r.smax, r.umax); }
    r.varOff = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
    const sub2 = tnumIntersect(tnumSubreg(r.varOff), tnumRange(r.u32min, r.u32max));
    r.varOff = { value: (r.varOff.value & ~U32 & U64) | sub2.value, mask: (r.varOff.mask & ~U32 & U64) | sub2.mask };
    if (before && sameBounds(before, r)) break; // a round that changed nothing: the second would not either
  }
  if (tnumIsConst(r.varOff)) setKnown(r, r.varOff.value);
}

/** Bounds are contradictory: the path is dead (used by branch refinement). */
export const boundsInvalid = (r: RegState): boolean =>
  r.umin > r.umax || r.smin > r.smax || r.u32min > r.u32max || r.s32min > r.s32max;

/** Zero-extend the low 32 bits into a 64-bit scalar (result of any alu32 op). */
export function zext32(r: RegState): void {
  r.varOff = tnumSubreg(r.varOff);
  r.umin = r.u32min; r.umax = r.u32max;
  r.smin = r.umin; r.smax = r.umax;
  if (r.s32min >= 0n) { r.u32min = max(r.u32min, r.s32min); }
  boundsSync(r);
}

/** coerce_reg_to_size: keep the low `size` bytes (loads narrower than 8, narrowing fills). */
export function coerceToSize(r: RegState, size: number): void {
  if (size >= 8) return;
  const mask = (1n << BigInt(size * 8)) - 1n;
  r.varOff = tnumCast(r.varOff, size);
  if ((r.umin & ~mask) === (r.umax & ~mask)) { r.umin &= mask; r.umax &= mask; } else { r.umin = 0n; r.umax = mask; }
  r.smin = r.umin; r.smax = r.umax;
  r.u32min = 0n; r.u32max = U32; r.s32min = S32_MIN; r.s32max = S32_MAX;
  boundsSync(r);
}

/** Sign-extend from `bits` (movsx / ldsx). */
export function signExtend(r: RegState, bits: number, alu64: boolean): void {
  if (tnumIsConst(r.varOff)) {
    const v = BigInt.asIntN(bits, r.varOff.value);
    setKnown(r, alu64 ? v : u32(v));
    return;
  }
  markUnknown(r);
  if (!alu64) { r.umax = U32; r.smin = 0n; r.smax = U32; r.varOff = { value: 0n, mask: U32 }; boundsSync(r); }
  else { r.smin = -(1n << BigInt(bits - 1)); r.smax = (1n << BigInt(bits - 1)) - 1n; boundsSync(r); }
}

interface Bounds { t: Tnum; umin: bigint; umax: bigint; smin: bigint; smax: bigint }

function view(r: RegState, w: 32 | 64): Bounds {
  if (w === 64) return { t: r.varOff, umin: r.umin, umax: r.umax, smin: r.smin, smax: r.smax };
  return { t: tnumSubreg(r.varOff), umin: r.u32min, umax: r.u32max, smin: r.s32min, smax: r.s32max };
}

/** dst = dst op src on scalars (adjust_scalar_min_max_vals), width 32 or 64. */
export function scalarAlu(dst: RegState, src: RegState, op: AluOp, w: 32 | 64, signedDivMod: boolean): void {
  const M = w === 64 ? U64 : U32;
  const SMIN = w === 64 ? S64_MIN : S32_MIN;
  const SMAX = w === 64 ? S64_MAX : S32_MAX;
  const wrap = (x: bigint): bigint => (w === 64 ? u64(x) : u32(x));
  const sx = (x: bigint): bigint => (w === 64 ? s64(x) : s32(x));
  const a = view(dst, w);
  const b = view(src, w);
  const bothConst = tnumIsConst(a.t) && tnumIsConst(b.t);
  dst.id = 0; // alu results break linked-scalar relations (clear_scalar_id)
  if (bothConst) {
    const x = a.t.value, y = b.t.value;
    let v: bigint;
    switch (op) {
      case 'add': v = x + y; break;
      case 'sub': v = x - y; break;
      case 'mul': v = x * y; break;
      case 'div': v = y === 0n ? 0n : signedDivMod ? (sx(y) === -1n ? -sx(x) : sx(x) / sx(y)) : x / y; break;
      case 'mod': v = y === 0n ? x : signedDivMod ? (sx(y) === -1n ? 0n : sx(x) % sx(y)) : x % y; break;
      case 'or': v = x | y; break;
      case 'and': v = x & y; break;
      case 'xor': v = x ^ y; break;
      case 'lsh': v = x << (y & BigInt(w - 1)); break;
      case 'rsh': v = x >> (y & BigInt(w - 1)); break;
      case 'arsh': v = sx(x) >> (y & BigInt(w - 1)); break;
      case 'mov': v = y; break;
    }
    setKnown(dst, wrap(v));
    return;
  }
  let r: Bounds = { t: tnumUnknown, umin: 0n, umax: M, smin: SMIN, smax: SMAX };
  r.t = w === 64 ? tnumUnknown : { value: 0n, mask: U32 };
  switch (op) {
    case 'add': {
      r.t = tnumAdd(a.t, b.t);
      if (a.umax + b.umax <= M) { r.umin = a.umin + b.umin; r.umax = a.umax + b.umax; }
      const smin = a.smin + b.smin, smax = a.smax + b.smax;
      if (smin >= SMIN && smax <= SMAX) { r.smin = smin; r.smax = smax; }
      break;
    }
    case 'sub': {
      r.t = tnumSub(a.t, b.t);
      if (a.umin >= b.umax) { r.umin = a.umin - b.umax; r.umax = a.umax - b.umin; }
      const smin = a.smin - b.smax, smax = a.smax - b.smin;
      if (smin >= SMIN && smax <= SMAX) { r.smin = smin; r.smax = smax; }
      break;
    }
    case 'mul':
      r.t = tnumMul(a.t, b.t);
      if (a.umax * b.umax <= M) { r.umin = a.umin * b.umin; r.umax = a.umax * b.umax; }
      break;
    case 'and':
      r.t = tnumAnd(a.t, b.t); r.umin = r.t.value; r.umax = min(a.umax, b.umax);
      break;
    case 'or':
      r.t = tnumOr(a.t, b.t); r.umin = max(a.umin, b.umin); r.umax = r.t.value | r.t.mask;
      break;
    case 'xor':
      r.t = tnumXor(a.t, b.t); r.umin = r.t.value; r.umax = r.t.value | r.t.mask;
      break;
    case 'lsh': case 'rsh': case 'arsh': {
      if (!tnumIsConst(b.t) || b.t.value >= BigInt(w)) break; // unknown (kernel: shift by non-const/too large)
      const s = Number(b.t.value);
      if (op === 'lsh') {
        r.t = w === 64 ? tnumLshift(a.t, s) : tnumSubreg(tnumLshift(a.t, s));
        if (a.umax << BigInt(s) <= M) { r.umin = a.umin << BigInt(s); r.umax = a.umax << BigInt(s); }
      } else if (op === 'rsh') {
        r.t = tnumRshift(a.t, s); r.umin = a.umin >> BigInt(s); r.umax = a.umax >> BigInt(s);
      } else {
        r.t = tnumArshift(a.t, s, w); r.smin = a.smin >> BigInt(s); r.smax = a.smax >> BigInt(s);
      }
      break;
    }
    case 'div': case 'mod': case 'mov':
      break; // 6.12 does not track div/mod: unknown
  }
  if (w === 32) {
    dst.u32min = r.umin; dst.u32max = r.umax; dst.s32min = r.smin; dst.s32max = r.smax;
    dst.varOff = tnumSubreg(r.t);
    dst.umin = 0n; dst.umax = U32; dst.smin = 0n; dst.smax = U32;
  } else {
    dst.varOff = r.t; dst.umin = r.umin; dst.umax = r.umax; dst.smin = r.smin; dst.smax = r.smax;
    dst.u32min = 0n; dst.u32max = U32; dst.s32min = S32_MIN; dst.s32max = S32_MAX;
  }
  boundsSync(dst);
}
