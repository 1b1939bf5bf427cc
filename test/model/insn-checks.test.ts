// The kernel's instruction-level checks on hand-assembled programs (made here, not compiled):
// raw fields the ISA reserves, register numbers past r10, opcodes outside the instruction table,
// malformed ld_imm64, with 6.12's messages (kernel/bpf/verifier.c) at the instruction the model
// finds them; and the classifier maps the same kernel lines to the same rule ids.
import t from 'tap';
import { decode, type RawInsn } from '../../src/bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../src/object/types.js';
import { modelObject } from '../../src/model/index.js';
import { classifyLog } from '../../src/classify/index.js';

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });
const mov = (dst: number, imm: number) => I(0xb7, dst, 0, 0, imm);
const exit = () => I(0x95);

/** Encode raw fields as the ELF holds them and decode them back, as the object reader does. */
function object(raw: RawInsn[]): BpfObject {
  const bytes = new Uint8Array(raw.length * 8);
  const v = new DataView(bytes.buffer);
  raw.forEach((x, i) => {
    v.setUint8(i * 8, x.code); v.setUint8(i * 8 + 1, (x.src << 4) | (x.dst & 0xf));
    v.setInt16(i * 8 + 2, x.off, true); v.setInt32(i * 8 + 4, x.imm, true);
  });
  const insns = decode(bytes);
  const prog: BpfProgram = {
    name: 'p', section: 'tc', progType: 'sched_cls', attachTo: null, sleepable: false, insns,
    funcs: [{ name: 'p', start: 0, end: insns.length, btfTypeId: null, linkage: 'global' }],
    relocs: new Map(), lines: new Map(), declTags: [],
  };
  return { file: 'hand-made.o', btf: null, maps: [], programs: [prog], license: 'GPL' };
}
const model = (raw: RawInsn[]) => {
  const r = modelObject(object(raw))[0]!;
  return { verdict: r.verdict, rule: r.rule, insn: r.insn, message: r.message };
};
const rejects = (rule: string, insn: number, message: string) => ({ verdict: 'reject', rule, insn, message });

t.test('check_reg_arg: registers past r10 are invalid, as source and as destination', async (t) => {
  t.same(model([mov(0, 0), I(0xbf, 0, 12), exit()]), rejects('insn.reg_invalid', 1, 'R12 is invalid'), 'r0 = r12');
  t.same(model([mov(13, 1), mov(0, 0), exit()]), rejects('insn.reg_invalid', 0, 'R13 is invalid'), 'r13 = 1');
  t.same(model([mov(0, 0), I(0x0f, 0, 15), exit()]), rejects('insn.reg_invalid', 1, 'R15 is invalid'), 'r0 += r15');
  t.same(model([mov(0, 0), I(0x61, 0, 11, 0), exit()]), rejects('insn.reg_invalid', 1, 'R11 is invalid'), 'ldx from r11');
  t.same(model([mov(0, 0), I(0x7b, 10, 14, -8), exit()]), rejects('insn.reg_invalid', 1, 'R14 is invalid'), 'stx of r14');
  t.same(model([mov(0, 0), I(0x1d, 0, 12, 0), exit()]), rejects('insn.reg_invalid', 1, 'R12 is invalid'), 'if r0 == r12');
});

t.test('reserved fields, one class at a time, with the handler order of checks', async (t) => {
  t.same(model([I(0xb4, 0, 7, 0, 0), exit()]), rejects('insn.reserved_fields', 0, 'BPF_MOV uses reserved fields'), 'w0 = 0 with src_reg 7');
  t.same(model([mov(0, 0), I(0xbf, 1, 0, 0, 5), exit()]), rejects('insn.reserved_fields', 1, 'BPF_MOV uses reserved fields'), 'r1 = r0 with imm');
  t.same(model([mov(0, 0), I(0xbc, 1, 0, 32, 0), exit()]), rejects('insn.reserved_fields', 1, 'BPF_MOV uses reserved fields'), 'w1 = (s32)w0 does not exist');
  t.same(model([mov(0, 0), I(0x07, 0, 3, 0, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_ALU uses reserved fields'), 'r0 += 1 with src_reg');
  t.same(model([mov(0, 0), I(0x07, 0, 0, 1, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_ALU uses reserved fields'), 'off=1 outside div/mod');
  t.same(model([mov(0, 0), I(0x87, 0, 0, 0, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_NEG uses reserved fields'));
  t.same(model([mov(0, 0), I(0xd4, 0, 0, 0, 8), exit()]), rejects('insn.reserved_fields', 1, 'BPF_END uses reserved fields'), 'le8');
  t.same(model([mov(0, 0), I(0x7a, 10, 1, -8, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_ST uses reserved fields'));
  t.same(model([mov(0, 0), I(0x7b, 10, 0, -8, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_STX uses reserved fields'));
  t.same(model([mov(0, 0), I(0x85, 1, 0, 0, 5), exit()]), rejects('insn.reserved_fields', 1, 'BPF_CALL uses reserved fields'), 'call with dst_reg');
  t.same(model([mov(0, 0), I(0x85, 0, 3, 0, 5), exit()]), rejects('insn.reserved_fields', 1, 'BPF_CALL uses reserved fields'), 'call with src_reg 3');
  t.same(model([mov(0, 0), I(0x05, 0, 0, 0, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_JA uses reserved fields'));
  t.same(model([mov(0, 0), I(0x95, 0, 0, 0, 1)]), rejects('insn.reserved_fields', 1, 'BPF_EXIT uses reserved fields'));
  t.same(model([mov(0, 0), I(0x15, 0, 2, 0, 0), exit()]), rejects('insn.reserved_fields', 1, 'BPF_JMP/JMP32 uses reserved fields'));
  // the jump's dst is checked first: an uninitialised dst wins over the reserved field
  t.same(model([mov(0, 0), I(0x15, 3, 2, 0, 0), exit()]), rejects('reg.not_init', 1, 'R3 !read_ok'));
  t.same(model([mov(0, 0), I(0xdb, 10, 0, -8, 0x33), exit()]), rejects('insn.atomic_opcode', 1, 'BPF_ATOMIC uses invalid atomic opcode 33'));
  t.same(model([mov(0, 0), I(0x67, 0, 0, 0, 64), exit()]), rejects('alu.invalid_shift', 1, 'invalid shift 64'));
  t.same(model([mov(0, 0), I(0x64, 0, 0, 0, -1), exit()]), rejects('alu.invalid_shift', 1, 'invalid shift -1'));
  t.same(model([I(0x18, 0, 0, 1, 0), I(0, 0, 0, 0, 0), exit()]), rejects('insn.reserved_fields', 0, 'BPF_LD_IMM64 uses reserved fields'));
});

t.test('before the walk: every insn, reachable or not, in resolve_pseudo_ldimm64 order', async (t) => {
  // unreachable, yet refused (check_cfg would say "unreachable insn 2" only later)
  t.same(model([mov(0, 0), exit(), I(0xf7, 0, 0, 0, 0), exit()]), rejects('insn.unknown_opcode', 2, 'unknown opcode f7'));
  t.same(model([mov(0, 0), I(0x8d, 1), exit()]), rejects('insn.unknown_opcode', 1, 'unknown opcode 8d'), 'callx is not in 6.12\'s table');
  t.same(model([mov(0, 0), I(0x00, 0, 0, 0, 0), exit()]), rejects('insn.unknown_opcode', 1, 'unknown opcode 00'));
  t.same(model([mov(0, 0), I(0x69, 0, 10, -8, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_LDX uses reserved fields'), 'ldx with imm');
  t.same(model([mov(0, 0), I(0x18, 0, 0, 0, 1), I(0x05, 0, 0, 0, 0), exit()]).message, 'invalid bpf_ld_imm64 insn');
  t.same(model([mov(0, 0), exit(), I(0x18, 0, 0, 0, 1)]).rule, 'cfg.last_insn', 'check_subprogs runs first');
  t.same(model([mov(0, 0), I(0x05, 0, 0, 7), exit()]), rejects('cfg.jump_out_of_range', 1, 'jump out of range from insn 1 to 9'));
  // check_subprogs looks at raw codes: an invalid JMP-class opcode still jumps somewhere
  t.same(model([mov(0, 0), I(0xf5, 0, 0, 9), exit()]), rejects('cfg.jump_out_of_range', 1, 'jump out of range from insn 1 to 11'));
});

t.test('the classifier knows the same messages', async (t) => {
  const log = (lines: string[]) => lines.join('\n') + '\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n';
  t.same(classifyLog(log(['0: R1=ctx() R10=fp0', '0: (b7) r0 = 0                       ; R0_w=0', '1: (bf) r0 = r12', 'R12 is invalid'])),
    { rule: 'insn.reg_invalid', message: 'R12 is invalid', insn: 1 });
  t.same(classifyLog(log(['0: R1=ctx() R10=fp0', '0: (b4) w0 = 0', 'BPF_MOV uses reserved fields'])),
    { rule: 'insn.reserved_fields', message: 'BPF_MOV uses reserved fields', insn: 0 });
  t.same(classifyLog(log(['unknown opcode f7'])), { rule: 'insn.unknown_opcode', message: 'unknown opcode f7', insn: null });
  t.same(classifyLog(log(['invalid bpf_ld_imm64 insn'])), { rule: 'insn.invalid_ld_imm64', message: 'invalid bpf_ld_imm64 insn', insn: null });
  t.same(classifyLog(log(['0: (db) lock *(u64 *)(r10 -8) ?= r0', 'BPF_ATOMIC uses invalid atomic opcode 33'])).rule, 'insn.atomic_opcode');
});

// 7.x: check_and_resolve_insns runs check_insn_fields over every instruction before the walk
// (kernel/bpf/verifier.c of 7.3.4), so a reserved field after an instruction the walk would refuse
// is what 7.3 reports; 6.12 reports the first the walk reaches.
const model73 = (raw: RawInsn[]) => {
  const r = modelObject(object(raw), { profile: '7.3' })[0]!;
  return { verdict: r.verdict, rule: r.rule, insn: r.insn, message: r.message };
};

t.test('7.3: the instruction fields are checked before the walk, in instruction order', async (t) => {
  const readFirst = [I(0xbf, 0, 3), I(0xb4, 1, 7, 0, 0), exit()]; // r0 = r3 (never written); w1 = 0 with src_reg 7
  t.same(model(readFirst), rejects('reg.not_init', 0, 'R3 !read_ok'), '6.12: the walk reads r3 first');
  t.same(model73(readFirst), rejects('insn.reserved_fields', 1, 'BPF_MOV uses reserved fields'), '7.3: the field, before any walk');
  // register numbers come first, per instruction, then the field checks of that instruction
  t.same(model73([mov(0, 0), I(0xbf, 12, 0, 0, 5), exit()]), rejects('insn.reg_invalid', 1, 'R12 is invalid'), 'r12 = r0 with imm');
  t.same(model73([mov(0, 0), I(0x05, 0, 0, 0, 1), exit()]), rejects('insn.reserved_fields', 1, 'BPF_JA uses reserved fields'));
  // past an exit (unreachable): 7.3 still checks its fields before check_cfg's "unreachable insn"
  t.same(model73([mov(0, 0), exit(), I(0x87, 0, 0, 0, 1), exit()]), rejects('insn.reserved_fields', 2, 'BPF_NEG uses reserved fields'));
  t.same(model([mov(0, 0), exit(), I(0x87, 0, 0, 0, 1), exit()]).rule, 'cfg.unreachable', '6.12: check_cfg first');
  // may_goto with imm set: 7.3 prints only the imm
  t.same(model73([mov(0, 0), I(0xe5, 0, 0, 1, 3), exit(), exit()]), rejects('insn.invalid_may_goto', 1, 'invalid may_goto imm 3'));
});
