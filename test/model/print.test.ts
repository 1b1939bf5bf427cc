// reg_type_str and print_verifier_state notation. The expected strings are copied from a Debian
// 6.12.117 verifier log (maps.c var_index_off_by_one, log level 1): the model must print the
// same state for the same register.
import t from 'tap';
import { formatReg, progBtfNamer, regTypeStr } from '../../src/model/print.js';
import { F, T, newFrame, regPtr, regUnknown, setKnown } from '../../src/model/state.js';
import { boundsSync, coerceToSize } from '../../src/model/interp/scalar.js';
import { tnumRange } from '../../src/model/tnum.js';

const frame = newFrame(0, -1, 0);
const names = progBtfNamer(null);

t.test('reg_type_str', async (t) => {
  t.equal(regTypeStr(T.SCALAR_VALUE), 'scalar');
  t.equal(regTypeStr(T.PTR_TO_BTF_ID | F.PTR_MAYBE_NULL), 'ptr_or_null_');
  t.equal(regTypeStr(T.PTR_TO_MAP_VALUE | F.PTR_MAYBE_NULL), 'map_value_or_null');
  t.equal(regTypeStr(T.PTR_TO_BTF_ID | F.MEM_ALLOC | F.NON_OWN_REF | F.MEM_RCU), 'rcu_ptr_');
  t.equal(regTypeStr(T.PTR_TO_BTF_ID | F.PTR_UNTRUSTED), 'untrusted_ptr_');
  t.equal(regTypeStr(T.PTR_TO_MEM | F.MEM_RDONLY), 'rdonly_mem');
  t.equal(regTypeStr(T.PTR_TO_STACK), 'fp');
});

t.test('a u32 load: scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))', async (t) => {
  const r = regUnknown();
  coerceToSize(r, 4);
  t.equal(formatReg(r, frame, names), 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))');
});

t.test('after "if r6 > 0x9": scalar(smin=smin32=0,smax=umax=smax32=umax32=9,var_off=(0x0; 0xf))', async (t) => {
  const r = regUnknown();
  coerceToSize(r, 4);
  r.umax = 9n;
  boundsSync(r);
  t.equal(formatReg(r, frame, names), 'scalar(smin=smin32=0,smax=umax=smax32=umax32=9,var_off=(0x0; 0xf))');
  t.same(r.varOff, tnumRange(0n, 15n));
});

t.test('constants, stack pointers, map values', async (t) => {
  const c = regUnknown(); setKnown(c, -1n);
  t.equal(formatReg(c, frame, names), '-1');
  const fp = regPtr(T.PTR_TO_STACK); fp.off = -4;
  t.equal(formatReg(fp, frame, names), 'fp-4');
  const map = { name: 'arr', kind: 'map' as const, section: '.maps', mapType: 2, keySize: 4, valueSize: 16, maxEntries: 4, keyTypeId: null, valueTypeId: null };
  const mv = regPtr(T.PTR_TO_MAP_VALUE | F.PTR_MAYBE_NULL, { map, id: 1 });
  t.equal(formatReg(mv, frame, names), 'map_value_or_null(id=1,map=arr,ks=4,vs=16)');
});
