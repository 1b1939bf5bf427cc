// BTF parser vs bpftool's dump of the same clang-19 objects, the lookup helpers on a fixture with
// every kind clang emits, and hand-broken .BTF sections for the error paths.
import t from 'tap';
import { InputError } from '../../src/shared/errors.js';
import { parseBtf } from '../../src/btf/parse.js';
import type { Btf, BtfType } from '../../src/btf/types.js';
import { readElf } from '../../src/elf/reader.js';
import { bpftoolBtf, compileFixture } from '../fixtures/readers/compile.js';

async function btfOf(name: string): Promise<{ btf: Btf; raw: Uint8Array; path: string }> {
  const { path, bytes } = await compileFixture(name);
  const raw = readElf(bytes, path).section('.BTF')!.data;
  return { btf: parseBtf(raw, path), raw, path };
}
const byName = <K extends BtfType['kind']>(btf: Btf, name: string, kind: K) => btf.find(name, kind) as BtfType & { kind: K };

t.test('every type agrees with bpftool btf dump (id, kind, name)', async (t) => {
  for (const name of ['btf_kinds', 'graph']) {
    const { btf, path } = await btfOf(name);
    const ref = await bpftoolBtf(path);
    t.equal(btf.count - 1, ref.size, `${name}: same number of types`);
    const diffs: string[] = [];
    for (const [id, r] of ref) {
      const ty = btf.get(id);
      const name = ty.name === '' ? '(anon)' : ty.name;
      if (ty.kind.toUpperCase() !== r.kind || name !== r.name) diffs.push(`[${id}] ours ${ty.kind} '${name}' bpftool ${r.line}`);
    }
    t.same(diffs, [], `${name}: ${ref.size} types agree`);
  }
});

t.test('all kinds clang-19 emits are parsed, with their details', async (t) => {
  const { btf } = await btfOf('btf_kinds');
  const kinds = new Set(btf.types.map((x) => x.kind));
  for (const k of ['int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const', 'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64'] as const) {
    t.ok(kinds.has(k), `kind ${k} present`);
  }
  const small = byName(btf, 'small', 'enum');
  t.equal(small.signed, true);
  t.same(small.values.map((v) => [v.name, v.value]), [['S_A', 1n], ['S_B', -2n]]);
  const big = byName(btf, 'big', 'enum64');
  t.same(big.values.map((v) => v.value), [0x100000000n, 0xffffffffffffffffn]);
  t.equal(byName(btf, 'fwd_only', 'fwd').fwdKind, 'struct');
  const bits = byName(btf, 'bits', 'struct');
  t.same(bits.members.map((m) => [m.name, m.bitOffset, m.bitfieldSize]), [['a', 0, 3], ['b', 3, 5], ['c', 32, 0]]);
  t.equal(byName(btf, 'double', 'float').size, 8);
});

t.test('lookup helpers: resolve, sizes, member offsets, tags, names', async (t) => {
  const { btf } = await btfOf('btf_kinds');
  const outer = byName(btf, 'outer', 'struct');
  const id = btf.member(outer.id, 'id')!;
  t.equal(btf.resolve(id.member.type).kind, 'int', 'typedef u64_t resolves to int');
  t.equal(btf.sizeOf(id.member.type), 8);
  t.equal(btf.typeName(id.member.type), 'u64_t');
  const vol = btf.member(outer.id, 'vol')!;
  t.equal(vol.byteOffset, 8);
  t.equal(btf.get(vol.member.type).kind, 'volatile');
  t.equal(btf.resolve(vol.member.type).name, 'int');
  const name = btf.member(outer.id, 'name')!;
  t.equal(btf.sizeOf(name.member.type), 12, 'const char[12] is 12 bytes');
  t.equal(btf.typeName(name.member.type), 'const char[12]');
  // The anonymous struct's members are found through it, with offsets from the outer struct.
  const y = btf.member(outer.id, 'y')!;
  t.ok(y, 'member of an anonymous struct found');
  const anon = outer.members.find((m) => m.name === '')!;
  t.equal(y.bitOffset, anon.bitOffset + 32);
  t.equal(btf.member(outer.id, 'nope'), null);
  const tagged = btf.member(outer.id, 'tagged')!;
  const ptr = btf.resolve(tagged.member.type);
  t.equal(ptr.kind, 'ptr');
  t.same(btf.typeTags((ptr as { type: number }).type), ['user'], 'type_tag on the pointee');
  t.equal(btf.sizeOf(outer.id), outer.size);
  t.same(btf.declTags(outer.id, id.index).map((d) => d.value), ['member_tag'], 'decl tag on a member');
  const fn = byName(btf, 'tagged_fn', 'func');
  t.same(btf.declTags(fn.id, -1).map((d) => d.value), ['fn_tag'], 'decl tag on the function');
  t.same(btf.declTags(fn.id, 0).map((d) => d.value), ['param_tag'], 'decl tag on param 0');
  const proto = btf.get(fn.type);
  t.equal(proto.kind, 'func_proto');
  t.same((proto as BtfType & { kind: 'func_proto' }).params.map((p) => p.name), ['a', 'o']);
  t.equal(fn.linkage, 'global');
  t.equal(btf.typeName(btf.find('g_restrict', 'var')!.id), 'g_restrict');
  t.equal(btf.sizeOf(0), null, 'void has no size');
  t.throws(() => btf.get(btf.count), RangeError);
});

/** Patch a copy of `raw` (a .BTF section) with `edit`, parse it, and return the InputError. */
function corrupt(t: Tap, raw: Uint8Array, edit: (v: DataView, b: Uint8Array) => Uint8Array | void, pattern: RegExp, what: string) {
  const b = new Uint8Array(raw);
  const out = edit(new DataView(b.buffer), b) ?? b;
  let err: unknown = null;
  try { parseBtf(out, 'broken.o'); } catch (e) { err = e; }
  t.ok(err instanceof InputError, `${what}: InputError`);
  t.match((err as Error | null)?.message ?? '', /^broken\.o: corrupt BTF: /, `${what}: names the file`);
  t.match((err as Error | null)?.message ?? '', pattern, `${what}: says what is wrong`);
}
type Tap = typeof t;

t.test('corrupt BTF gives InputError naming the file, the type id and the offset', async (t) => {
  const { raw } = await btfOf('btf_kinds');
  const hdr = 24, typeOff = (v: DataView) => hdr + v.getUint32(8, true);
  corrupt(t as Tap, raw, (v) => v.setUint16(0, 0x1234, true), /bad magic 0x1234/, 'bad magic');
  corrupt(t as Tap, raw, (_, b) => b.subarray(0, 20), /shorter than its 24-byte header/, 'shorter than the header');
  corrupt(t as Tap, raw, (_, b) => b.subarray(0, b.length - 10), /string section .* runs past the end/, 'truncated string section');
  corrupt(t as Tap, raw, (v) => v.setUint32(12, v.getUint32(12, true) - 2, true), /type \[\d+\] at offset \d+: truncated/, 'type section ends inside a type');
  corrupt(t as Tap, raw, (v) => v.setUint32(typeOff(v) + 4, 31 << 24, true), /type \[1\] at offset 24: unknown kind 31/, 'unknown kind');
  corrupt(t as Tap, raw, (v) => v.setUint32(typeOff(v), 0xfffffff, true), /type \[1\] .*name offset 268435455 outside the string section/, 'bad name offset');
  // Find the first PTR and point it past the last type.
  corrupt(t as Tap, raw, (v) => {
    let o = typeOff(v);
    for (;;) {
      const kind = (v.getUint32(o + 4, true) >>> 24) & 0x1f;
      if (kind === 2) { v.setUint32(o + 8, 99999, true); return; }
      o += 12 + extraSize(kind, v.getUint32(o + 4, true) & 0xffff);
    }
  }, /type \[\d+\] '' \(ptr\): type refers to type \[99999\]/, 'reference out of range');
});

/** Bytes after the 12-byte header for each kind (btf.h). */
function extraSize(kind: number, vlen: number): number {
  switch (kind) {
    case 1: case 14: case 17: return 4;
    case 3: return 12;
    case 4: case 5: case 15: case 19: return 12 * vlen;
    case 6: case 13: return 8 * vlen;
    default: return 0;
  }
}

/** Walk the type records: (id, kind, byte offset of the record) for each type. */
function records(v: DataView): { id: number; kind: number; off: number }[] {
  const out: { id: number; kind: number; off: number }[] = [];
  const start = 24 + v.getUint32(8, true), end = start + v.getUint32(12, true);
  for (let o = start, id = 1; o < end; id++) {
    const info = v.getUint32(o + 4, true), kind = (info >>> 24) & 0x1f;
    out.push({ id, kind, off: o });
    o += 12 + extraSize(kind, info & 0xffff);
  }
  return out;
}

t.test('reference loops: a clean "corrupt BTF" naming the type, never a stack overflow later', async (t) => {
  const { raw, btf } = await btfOf('btf_kinds');
  // a PTR to itself (1-2 bytes changed in a real object)
  corrupt(t as Tap, raw, (v) => { const p = records(v).find((r) => r.kind === 2)!; v.setUint32(p.off + 8, p.id, true); },
    /type \[(\d+)\] '' \(ptr\) references itself without passing through a struct or union: \[\1\] -> \[\1\]/, 'PTR to itself');
  // a typedef whose type is a VAR whose type is that typedef
  corrupt(t as Tap, raw, (v) => {
    const rs = records(v);
    const td = rs.find((r) => r.kind === 8)!, vr = rs.find((r) => r.kind === 14)!;
    v.setUint32(td.off + 8, vr.id, true); v.setUint32(vr.off + 8, td.id, true);
  }, /references itself without passing through a struct or union: \[\d+\] -> \[\d+\] -> \[\d+\]/, 'typedef/var loop');
  // a struct whose first member is the struct itself, by value
  corrupt(t as Tap, raw, (v) => {
    const s = records(v).find((r) => r.kind === 4 && (v.getUint32(r.off + 4, true) & 0xffff) > 0)!;
    v.setUint32(s.off + 12 + 4, s.id, true);
  }, /\(struct\) contains itself by value/, 'struct containing itself');
  // what C allows stays allowed: a struct with a pointer to itself (linked lists)
  t.ok(btf.types.some((x) => x.kind === 'ptr'), 'the fixture has pointers');
  const listy = (await btfOf('graph')).btf;
  t.ok(listy.count > 1, 'graph.c (bpf_list_node inside its own struct, pointers back) parses');
});
