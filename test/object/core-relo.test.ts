// CO-RE relocations computed as libbpf computes them, against a target BTF made here: the object of
// test/fixtures/core/target.c stands in for a kernel's vmlinux BTF (its struct pkt has another
// layout than the program's), so every relocation kind has a value worked out by hand from target.c.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readObject } from '../../src/object/read.js';
import { coreOutcome, essentialName } from '../../src/object/core-relo.js';
import { relocateCore, CORE_POISON_IMM } from '../../src/object/core-patch.js';
import type { BpfObject } from '../../src/object/types.js';

const FIX = resolve(import.meta.dirname, '../../../test/fixtures/core');
const out = mkdtempSync(join(tmpdir(), 'core-relo-'));
async function build(name: string): Promise<BpfObject> {
  const o = join(out, `${name}.o`);
  await execa('clang-19', ['-target', 'bpf', '-g', '-O2', '-mcpu=v3', '-c', join(FIX, `${name}.c`), '-o', o]);
  return readObject(new Uint8Array(readFileSync(o)), o);
}

const target = (await build('target')).btf!;
const obj = await build('prog');
const prog = obj.programs[0]!;
const targetPkt = target.find('pkt', 'struct')!.id;

/** Outcome per relocated instruction, in instruction order. */
const outcomes = [...prog.relocs].filter(([, r]) => r.kind === 'core').sort((a, b) => a[0] - b[0]).map(([idx, r]) => {
  if (r.kind !== 'core') throw new Error('unreachable');
  return [idx, coreOutcome(obj.btf!, target, { typeId: r.localTypeId, accessStr: r.accessStr, kind: r.relo })] as const;
});
const value = (i: number) => { const o = outcomes[i]![1]; return o.kind === 'value' ? o.value : o.kind; };

t.test('field relocations: offset (through an anonymous union, an array element), size, existence, signedness, shifts', async (t) => {
  t.equal(value(0), 8n, 'mark at 8');
  t.equal(value(1), 16n, 'stamp inside the anonymous union at 16');
  t.equal(value(2), 36n, 'ring[2] at 28 + 2 * 4');
  t.equal(value(3), 4n, 'len is 4 bytes');
  t.equal(value(4), 1n, 'flag_b exists');
  t.equal(value(5), 0n, 'pkt___new.not_there does not');
  t.equal(value(6), 1n, 'sflag is signed');
  t.equal(value(7), 56n, 'flag_b: bits 195..199 of a 4-byte unit at 24: lshift 64 - (200 - 192)');
  t.equal(value(8), 59n, 'rshift 64 - 5');
});

t.test('type and enum relocations', async (t) => {
  t.equal(value(9), BigInt(targetPkt), 'the target type id');
  t.equal(value(10), 1n);
  t.equal(value(11), 0n, 'a type the target does not have');
  t.equal(value(12), 48n, "the target's size");
  t.equal(value(13), 7n, "the target's enumerator value");
  t.equal(value(14), 0n, 'an enumerator the target lacks');
});

t.test('patched instructions: a load at the target offset and width, poisoned loads', async (t) => {
  const p = relocateCore(obj, prog, target);
  const [wide, signed, missing] = outcomes.slice(15).map(([idx]) => idx);
  t.same(p.insns[wide!], { ...p.insns[wide!], kind: 'ldx', size: 4, off: 8 }, 'u64 view of a u32: 4-byte load at 8');
  for (const idx of [signed!, missing!]) {
    t.same({ kind: p.insns[idx]!.kind, imm: p.insns[idx]!.imm }, { kind: 'call', imm: CORE_POISON_IMM });
  }
  const rel = p.relocs.get(missing!);
  t.equal(rel?.kind === 'core' && rel.poisoned, '<byte_off> [13] struct pkt___new.not_there (0:0 @ offset 0)', "libbpf's name for it");
  const ld = p.insns.findIndex((i) => i.kind === 'ld_imm64' && i.value === BigInt(targetPkt));
  t.ok(ld >= 0, 'ld_imm64 carries the target type id');
});

t.test('without the target BTF: only local type ids are known', async (t) => {
  const p = relocateCore(obj, prog, null);
  const rel = p.relocs.get(outcomes[0]![0]);
  t.match(rel?.kind === 'core' && rel.unresolved, /byte_offset relocation of struct pkt .*needs the target kernel's BTF/);
  t.same(coreOutcome(obj.btf!, null, { typeId: 2, accessStr: '0', kind: 6 }), { kind: 'value', value: 2n });
});

t.test('essential names drop a ___flavor suffix only', async (t) => {
  t.equal(essentialName('pkt___wide'), 'pkt');
  t.equal(essentialName('task_struct___x___y'), 'task_struct___x');
  t.equal(essentialName('__sk_buff'), '__sk_buff');
  t.equal(essentialName('a____b'), 'a____b');
});
