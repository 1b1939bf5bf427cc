// do_check's field checks (interp/insn-checks.ts) on hand-assembled instructions, through the whole
// model: each class's "uses reserved fields" when a path reaches it, the pre-walk scan (BPF_LDX,
// unknown opcodes) even where no path goes, and an atomic with an imm that is no operation.
import t from 'tap';
import { modelObject } from '../../../src/model/index.js';
import { I, asmObject } from './asm.js';
import type { RawInsn } from '../../../src/bpf/insn.js';

const exit = () => I(0x95);
const mov0 = () => I(0xb7, 0, 0, 0, 0);
const verdict = (raw: RawInsn[]) => {
  const [r] = modelObject(asmObject(raw));
  return { rule: r!.rule, insn: r!.insn, message: r!.message };
};

t.test('reserved fields, per class, at the instruction a path reaches', async (t) => {
  const cases: [string, RawInsn, string][] = [
    ['mov imm with off', I(0xb7, 0, 0, 1, 0), 'BPF_MOV'],
    ['mov reg with imm', I(0xbf, 0, 1, 0, 3), 'BPF_MOV'],
    ['32-bit movsx from 32 bits', I(0xbc, 0, 1, 32, 0), 'BPF_MOV'],
    ['add imm with src', I(0x07, 0, 2, 0, 1), 'BPF_ALU'],
    ['add reg with off 1 (only div/mod are signed)', I(0x0f, 0, 1, 1, 0), 'BPF_ALU'],
    ['neg with imm', I(0x87, 0, 0, 0, 1), 'BPF_NEG'],
    ['endian of 8 bits', I(0xd4, 0, 0, 0, 8), 'BPF_END'],
    ['st with src', I(0x7a, 10, 1, -8, 0), 'BPF_ST'],
    ['stx with imm', I(0x7b, 10, 1, -8, 1), 'BPF_STX'],
    ['helper call with off', I(0x85, 0, 0, 1, 7), 'BPF_CALL'],
    ['goto with imm', I(0x05, 0, 0, 0, 1), 'BPF_JA'],
    ['jeq imm with src', I(0x15, 0, 1, 0, 0), 'BPF_JMP/JMP32'],
  ];
  for (const [what, insn, cls] of cases) {
    t.same(verdict([mov0(), insn, exit()]), { rule: 'insn.reserved_fields', insn: 1, message: `${cls} uses reserved fields` }, what);
  }
  t.same(verdict([mov0(), I(0x95, 0, 0, 0, 1)]), { rule: 'insn.reserved_fields', insn: 1, message: 'BPF_EXIT uses reserved fields' });
});

t.test('a conditional jump reads its destination before its fields', async (t) => {
  t.same(verdict([mov0(), I(0x15, 5, 1, 0, 0), exit()]), { rule: 'reg.not_init', insn: 1, message: 'R5 !read_ok' });
});

t.test('the pre-walk scan: BPF_LDX fields and unknown opcodes, reached or not', async (t) => {
  t.same(verdict([mov0(), exit(), I(0x61, 0, 1, 0, 5), exit()]), { rule: 'insn.reserved_fields', insn: 2, message: 'BPF_LDX uses reserved fields' });
  t.same(verdict([mov0(), exit(), I(0xff), exit()]), { rule: 'insn.unknown_opcode', insn: 2, message: 'unknown opcode ff' });
});

t.test('an atomic whose imm names no operation', async (t) => {
  const raw = [I(0x7a, 10, 0, -8, 0), I(0xbf, 1, 10), I(0x07, 1, 0, 0, -8), I(0xb7, 2, 0, 0, 1), I(0xdb, 1, 2, 0, 0x20), mov0(), exit()];
  t.same(verdict(raw), { rule: 'insn.atomic_opcode', insn: 4, message: 'BPF_ATOMIC uses invalid atomic opcode 20' });
});
