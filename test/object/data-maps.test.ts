// Global-data maps keep their section's initial bytes (programs/basics/rodata.c compiled by
// clang-19 here): the model reads frozen .rodata values from them.
import t from 'tap';
import { basicsObject } from '../model/compile.js';

t.test('.rodata carries its initial bytes; .bss has none', async (t) => {
  const obj = await basicsObject('rodata');
  const ro = obj.maps.find((m) => m.kind === 'datasec' && m.section === '.rodata');
  t.ok(ro, 'a .rodata map');
  t.ok(ro!.initialData instanceof Uint8Array, 'initial bytes kept');
  t.equal(ro!.initialData!.length, ro!.valueSize, 'as many bytes as the value');
  const dv = new DataView(ro!.initialData!.buffer, ro!.initialData!.byteOffset, ro!.initialData!.byteLength);
  const words = [];
  for (let o = 0; o + 4 <= dv.byteLength; o += 4) words.push(dv.getUint32(o, true));
  t.ok(words.includes(1) && words.includes(16), `mode = 1 and table_len = 16 are in the bytes (${words.join(',')})`);
  const big = [];
  for (let o = 0; o + 8 <= dv.byteLength; o += 8) big.push(dv.getBigUint64(o, true));
  t.ok(big.includes(0x1122334455667788n), 'the 64-bit constant, little-endian');
  t.equal(obj.maps.find((m) => m.section === '.bss')?.initialData, undefined, 'no bytes for .bss');
});
