// bpf_map_lookup_elem with a key the verifier knows, on hand-assembled programs: on Linux 7.3 an
// in-bounds constant key of a plain array gives a non-NULL value (can_elide_value_nullness), on
// 6.12 it is always maybe-NULL; an out-of-bounds or untracked key stays maybe-NULL everywhere.
import t from 'tap';
import { modelObject } from '../../../src/model/index.js';
import type { BpfMap } from '../../../src/object/types.js';
import { I, asmObject } from './asm.js';

const arr = (keySize: number, maxEntries: number): BpfMap => ({
  name: 'arr', kind: 'map', section: '.maps', mapType: 2, keySize, valueSize: 8, maxEntries, keyTypeId: null, valueTypeId: null,
});

/** key written by `store`, looked up in `map`, value read without a NULL check. */
function lookup(store: ReturnType<typeof I>, map: BpfMap) {
  const obj = asmObject([
    store,                                  // 0: the key at fp-8
    I(0xbf, 2, 10), I(0x07, 2, 0, 0, -8),   // 1-2: r2 = fp-8
    I(0x18, 1, 1), I(0, 0, 0),              // 3-4: r1 = map (ld_imm64 BPF_PSEUDO_MAP_FD)
    I(0x85, 0, 0, 0, 1),                    // 5: call bpf_map_lookup_elem
    I(0x79, 0, 0, 0, 0),                    // 6: r0 = *(u64 *)(r0 +0)
    I(0x95),
  ]);
  obj.maps.push(map);
  obj.programs[0]!.relocs.set(3, { kind: 'map', map });
  return (profile: string) => {
    const [r] = modelObject(obj, { profile });
    return r!.verdict === 'accept' ? 'accept' : r!.message;
  };
}

t.test('a zeroed 4-byte key below max_entries', async (t) => {
  const run = lookup(I(0x62, 10, 0, -8, 0), arr(4, 4));      // *(u32 *)(fp-8) = 0
  t.equal(run('7.3'), 'accept');
  t.equal(run('6.12'), "R0 invalid mem access 'map_value_or_null'");
});

t.test('a spilled 8-byte constant key: in bounds, out of bounds', async (t) => {
  t.equal(lookup(I(0x7a, 10, 0, -8, 3), arr(8, 4))('7.3'), 'accept');
  t.equal(lookup(I(0x7a, 10, 0, -8, 4), arr(8, 4))('7.3'), "R0 invalid mem access 'map_value_or_null'");
});

t.test('a hash map, or a key narrower than its spill, stays maybe-NULL', async (t) => {
  t.equal(lookup(I(0x62, 10, 0, -8, 0), { ...arr(4, 4), mapType: 1 })('7.3'), "R0 invalid mem access 'map_value_or_null'");
  t.equal(lookup(I(0x7a, 10, 0, -8, 1), arr(4, 4))('7.3'), "R0 invalid mem access 'map_value_or_null'");
});
