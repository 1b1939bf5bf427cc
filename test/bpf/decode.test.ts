// Decoder vs llvm-objdump-19 on objects compiled by clang-19 in this test run: every instruction of
// every code section, printed in llvm's syntax from our decoded fields, must equal llvm's text.
import t from 'tap';
import { decode, jumpTarget, slots, type Insn } from '../../src/bpf/insn.js';
import { readElf, SHF } from '../../src/elf/reader.js';
import { compileFixture, llvmDisasm } from '../fixtures/readers/compile.js';
import { llvmText } from './llvm-syntax.js';

import type { Test as TapTest } from 'tap';
type Test = TapTest;
async function compareWithLlvm(t: Test, name: string, mcpu: 'v3' | 'v4') {
  const { path, bytes } = await compileFixture(name, mcpu);
  const elf = readElf(bytes, path);
  const llvm = await llvmDisasm(path);
  let compared = 0;
  for (const sec of elf.sections.filter((s) => s.flags & SHF.EXECINSTR && s.size > 0)) {
    const ours = decode(sec.data);
    const theirs = llvm.get(sec.name);
    t.ok(theirs, `llvm-objdump disassembled ${sec.name}`);
    const mismatches: string[] = [];
    for (const { idx, text } of theirs ?? []) {
      const insn = ours[idx];
      if (!insn) { mismatches.push(`${idx}: missing`); continue; }
      if (llvmText(insn) !== text) mismatches.push(`${idx}: ours "${llvmText(insn)}" llvm "${text}" (${insn.kind})`);
      compared++;
    }
    t.same(mismatches, [], `${name} -mcpu=${mcpu} ${sec.name}: ${theirs?.length} instructions agree with llvm-objdump`);
    // llvm lists one line per instruction; our array has one entry per slot (ld_imm64 takes two).
    t.equal(ours.filter((i) => i.kind !== 'ld_imm64_hi').length, theirs?.length, `${sec.name}: same instruction count`);
  }
  return compared;
}

t.test('isa fixture (-mcpu=v4: sdiv/smod, movsx, ldsx, bswap, gotol, atomics, may_goto, addr_space_cast)', async (t) => {
  const n = await compareWithLlvm(t, 'isa', 'v4');
  t.ok(n > 150, `compared ${n} instructions`);
  const { bytes, path } = await compileFixture('isa', 'v4');
  const insns = decode(readElf(bytes, path).section('socket')!.data);
  const kinds = new Set(insns.map((i) => i.kind));
  for (const k of ['alu', 'neg', 'endian', 'addr_space_cast', 'ld_imm64', 'ld_imm64_hi', 'ld_abs', 'ld_ind', 'ldx', 'st', 'stx', 'atomic', 'jmp', 'ja', 'may_goto', 'call', 'exit'] as const) {
    t.ok(kinds.has(k), `fixture exercises ${k}`);
  }
  t.ok(insns.some((i) => i.kind === 'alu' && i.signed), 'sdiv/smod decoded as signed');
  t.ok(insns.some((i) => i.kind === 'alu' && i.movsx === 8), 'movsx decoded');
  t.ok(insns.some((i) => i.kind === 'ldx' && i.signExtend), 'ldsx decoded');
  t.ok(insns.some((i) => i.kind === 'ja' && i.long), 'gotol decoded');
  t.ok(insns.some((i) => i.kind === 'atomic' && i.op === 'cmpxchg' && i.size === 4), '32-bit cmpxchg decoded');
});

t.test('graph fixture (-mcpu=v3) and isa at -mcpu=v3 default code', async (t) => {
  await compareWithLlvm(t, 'graph', 'v3');
  await compareWithLlvm(t, 'btf_kinds', 'v3');
});

t.test('ld_imm64 spans two slots; jump targets', async (t) => {
  const { bytes, path } = await compileFixture('isa', 'v4');
  const insns = decode(readElf(bytes, path).section('socket')!.data);
  const i = insns.findIndex((x) => x.kind === 'ld_imm64');
  const ld = insns[i] as Extract<Insn, { kind: 'ld_imm64' }>;
  t.equal(ld.value, 0x123456789abcdef0n);
  t.equal(slots(ld), 2);
  t.equal(insns[i + 1]!.kind, 'ld_imm64_hi');
  const g = insns.findIndex((x) => x.kind === 'ja' && x.long);
  t.equal(jumpTarget(insns[g]!, g), g + 2, 'gotol +1 skips one instruction');
  const back = insns.findIndex((x) => x.kind === 'ja' && !x.long && x.off === -1);
  t.equal(jumpTarget(insns[back]!, back), back, 'goto -1 jumps to itself');
});

t.test('invalid encodings decode to unknown, never throw', async (t) => {
  const enc = (...b: number[]) => new Uint8Array(b);
  t.equal(decode(enc(0x8e, 0, 0, 0, 0, 0, 0, 0))[0]!.kind, 'unknown', 'JMP32|CALL');
  t.equal(decode(enc(0xdf, 0x10, 0, 0, 0, 0, 0, 0))[0]!.kind, 'unknown', 'ALU64|END|X');
  t.equal(decode(enc(0x18, 0x01, 0, 0, 0, 0, 0, 0))[0]!.kind, 'unknown', 'ld_imm64 without its second half');
  const bad = decode(enc(0x18, 1, 0, 0, 0, 0, 0, 0, 0x07, 0, 0, 0, 0, 0, 0, 0));
  t.equal(bad[0]!.kind, 'unknown', 'ld_imm64 with a non-zero second opcode');
  t.match((bad[0] as { reason: string }).reason, /invalid bpf_ld_imm64/);
  t.throws(() => decode(enc(1, 2, 3)), /not a multiple of 8/);
});
