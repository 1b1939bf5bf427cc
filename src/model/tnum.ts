// Tristate numbers ("tnum"): a 64-bit value where each bit is known 0, known 1 or unknown.
// Mirrors kernel/bpf/tnum.c (value = known-1 bits, mask = unknown bits). bigint keeps all 64 bits.

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64 = (1n << 64n) - 1n;
export const U32 = (1n << 32n) - 1n;
export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
export const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
export const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);

export const tnumConst = (v: bigint): Tnum => ({ value: u64(v), mask: 0n });
export const tnumUnknown: Tnum = { value: 0n, mask: U64 };
export const tnumIsConst = (a: Tnum): boolean => a.mask === 0n;
export const tnumIsUnknown = (a: Tnum): boolean => a.mask === U64;
export const tnumEquals = (a: Tnum, b: Tnum): boolean => a.value === b.value && a.mask === b.mask;

/** tnum_range: the smallest tnum covering [min, max]. */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  if (chi === 0n) return tnumConst(min);
  const hi = Number(chi >> 32n);          // fls64, without building a binary string
  const bits = hi ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(chi & 0xffffffffn));
  if (bits > 63) return tnumUnknown;
  const delta = (1n << BigInt(bits)) - 1n;
  return { value: min & ~delta & U64, mask: delta };
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = u64(a.mask + b.mask);
  const sv = u64(a.value + b.value);
  const sigma = u64(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & U64, mask: mu };
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u64(a.value - b.value);
  const alpha = u64(dv + a.mask);
  const beta = u64(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & U64, mask: mu };
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64 };
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v & U64 };
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu & U64, mask: mu };
}

export const tnumLshift = (a: Tnum, s: number): Tnum => ({ value: u64(a.value << BigInt(s)), mask: u64(a.mask << BigInt(s)) });
export const tnumRshift = (a: Tnum, s: number): Tnum => ({ value: a.value >> BigInt(s), mask: a.mask >> BigInt(s) });
export function tnumArshift(a: Tnum, s: number, bits: 32 | 64): Tnum {
  if (bits === 32) {
    return { value: u32(BigInt(Number(s32(a.value)) >> s)), mask: u32(BigInt(Number(s32(a.mask)) >> s)) };
  }
  return { value: u64(s64(a.value) >> BigInt(s)), mask: u64(s64(a.mask) >> BigInt(s)) };
}

/** tnum_mul: the kernel's shift-and-add multiplication of tnums. */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  let acc = tnumConst(u64(a.value * b.value));
  let accMask: Tnum = { value: 0n, mask: 0n };
  let x = a;
  let y = b;
  while (x.value || x.mask) {
    if (x.value & 1n) accMask = tnumAdd(accMask, { value: 0n, mask: y.mask });
    else if (x.mask & 1n) accMask = tnumAdd(accMask, { value: 0n, mask: y.value | y.mask });
    x = tnumRshift(x, 1);
    y = tnumLshift(y, 1);
  }
  acc = tnumAdd(acc, accMask);
  return acc;
}

/** tnum_in: every value of b is a value of a (b is at least as precise). */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return (b.value & ~a.mask) === a.value;
}

/** tnum_intersect: the bits both a and b know. */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64, mask: mu };
}
export const tnumSubreg = (a: Tnum): Tnum => ({ value: a.value & U32, mask: a.mask & U32 });
export const tnumCast = (a: Tnum, bytes: number): Tnum => {
  const m = bytes >= 8 ? U64 : (1n << BigInt(bytes * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
};

/** tnum_strn: "(0x0; 0xffffffff)" or the constant. */
export function tnumStr(a: Tnum, signedConst = false): string {
  // tnum_strn (kernel/bpf/log.c): constants up to U16_MAX in decimal; 7.x also S16_MIN..-1 (signedConst)
  if (a.mask === 0n && signedConst && s64(a.value) < 0n && s64(a.value) >= -32768n) return s64(a.value).toString();
  if (a.mask === 0n) return a.value <= 65535n ? a.value.toString() : '0x' + a.value.toString(16);
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
