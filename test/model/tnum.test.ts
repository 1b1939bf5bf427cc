// tnum arithmetic (mirrors kernel/bpf/tnum.c) and its log notation.
import t from 'tap';
import { tnumAdd, tnumAnd, tnumConst, tnumIn, tnumOr, tnumRange, tnumStr, tnumSub, tnumUnknown, tnumMul, tnumArshift } from '../../src/model/tnum.js';

t.test('constants stay constants', async (t) => {
  t.same(tnumAdd(tnumConst(3n), tnumConst(4n)), tnumConst(7n));
  t.same(tnumSub(tnumConst(3n), tnumConst(4n)), tnumConst((1n << 64n) - 1n), 'wraps like u64');
  t.same(tnumMul(tnumConst(6n), tnumConst(7n)), tnumConst(42n));
  t.same(tnumArshift(tnumConst((1n << 64n) - 8n), 1, 64), tnumConst((1n << 64n) - 4n), 'arithmetic shift keeps the sign');
});

t.test('tnum_range covers the range with the fewest unknown bits', async (t) => {
  t.same(tnumRange(0n, 9n), { value: 0n, mask: 0xfn });
  t.same(tnumRange(0n, 0xffffffffn), { value: 0n, mask: 0xffffffffn });
  t.same(tnumRange(16n, 16n), tnumConst(16n));
});

t.test('and/or with partially known values', async (t) => {
  const x = tnumRange(0n, 0xffn);
  t.same(tnumAnd(x, tnumConst(0xf0n)), { value: 0n, mask: 0xf0n });
  t.same(tnumOr(x, tnumConst(0x100n)), { value: 0x100n, mask: 0xffn });
});

t.test('tnum_in: containment', async (t) => {
  t.ok(tnumIn(tnumUnknown, tnumConst(5n)));
  t.ok(tnumIn(tnumRange(0n, 15n), tnumConst(9n)));
  t.notOk(tnumIn(tnumConst(5n), tnumRange(0n, 15n)));
});

t.test('printed as tnum_strn does', async (t) => {
  t.equal(tnumStr(tnumConst(12n)), '12');
  t.equal(tnumStr(tnumConst(0x10000n)), '0x10000');
  t.equal(tnumStr({ value: 0n, mask: 0xffffffffn }), '(0x0; 0xffffffff)');
  // 7.x tnum_strn: a constant in S16_MIN..-1 prints signed (misaligned stack access off -12+0)
  t.equal(tnumStr(tnumConst(-12n), true), '-12');
  t.equal(tnumStr(tnumConst(-12n)), '0xfffffffffffffff4', '6.12: unsigned');
  t.equal(tnumStr(tnumConst(-40000n), true), '0xffffffffffff63c0', 'below S16_MIN: hex');
});
