// do_check's per-instruction field checks ("... uses reserved fields"): an instruction whose
// unused fields are not zero is refused when a path reaches it, before its operands are read.
// clang never emits these; hand-assembled and generated programs can. Mirrors check_alu_op,
// check_cond_jmp_op and do_check (kernel/bpf/verifier.c).
import type { Insn } from '../../bpf/insn.js';
import { CLASS, MODE, SRC, insnClass, insnMode, insnSrc } from '../../bpf/opcode.js';
import { CORE, type RuleBook } from '../../rules/index.js';
import { reject, type Finding } from '../finding.js';

/** The "BPF_xxx uses reserved fields" finding for `insn`, or null when its fields are clean. */
export function reservedFields(book: RuleBook, insn: Insn, idx: number): Finding | null {
  const bad = (what: string): Finding => reject(book, CORE.reservedFields, idx, what);
  const k = insnSrc(insn.code) === SRC.K;
  switch (insn.kind) {
    case 'neg':
      return !k || insn.src !== 0 || insn.off !== 0 || insn.imm !== 0 ? bad('BPF_NEG') : null;
    case 'endian':
      return insn.src !== 0 || insn.off !== 0 || ![16, 32, 64].includes(insn.imm) ? bad('BPF_END') : null;
    case 'alu':
      if (insn.op === 'mov') {
        if (!insn.useReg) return insn.src !== 0 || insn.off !== 0 ? bad('BPF_MOV') : null;
        const offs = insn.alu64 ? [0, 8, 16, 32] : [0, 8, 16];
        return !offs.includes(insn.off) || insn.imm !== 0 ? bad('BPF_MOV') : null;
      }
      if (insn.useReg ? insn.imm !== 0 : insn.src !== 0) return bad('BPF_ALU');
      if (insn.off !== 0 && insn.off !== 1) return bad('BPF_ALU');
      return insn.off === 1 && insn.op !== 'div' && insn.op !== 'mod' ? bad('BPF_ALU') : null;
    case 'jmp':
      return (insn.useReg ? insn.imm !== 0 : insn.src !== 0) ? bad('BPF_JMP/JMP32') : null;
    case 'stx':
      return insn.imm !== 0 ? bad('BPF_STX') : null;
    case 'st':
      return insn.src !== 0 ? bad('BPF_ST') : null;
    case 'call':
      return (insn.target !== 'kfunc' && insn.off !== 0) || insn.dst !== 0 ? bad('BPF_CALL') : null;
    case 'ja':
      if (insn.src !== 0 || insn.dst !== 0) return bad('BPF_JA');
      return (insnClass(insn.code) === CLASS.JMP ? insn.imm !== 0 : insn.off !== 0) ? bad('BPF_JA') : null;
    case 'exit':
      return insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0 ? bad('BPF_EXIT') : null;
    default:
      return null;
  }
}

/**
 * resolve_pseudo_ldimm64's scan of every instruction, reached or not, before the walk: LDX with a
 * non-MEM mode or an imm, and opcodes outside the instruction table. Returns the first finding.
 */
export function insnTableCheck(book: RuleBook, insns: Insn[]): Finding | null {
  for (let idx = 0; idx < insns.length; idx++) {
    const insn = insns[idx]!;
    if (insn.kind === 'ldx' && insn.imm !== 0) return reject(book, CORE.reservedFields, idx, 'BPF_LDX');
    if (insn.kind === 'unknown' && insnClass(insn.code) === CLASS.LDX && insnMode(insn.code) !== MODE.MEM && insnMode(insn.code) !== MODE.MEMSX) return reject(book, CORE.reservedFields, idx, 'BPF_LDX');
    if (insn.kind === 'unknown' && insn.reason.startsWith('unknown opcode')) {
      return reject(book, CORE.unknownOpcode, idx, insn.code.toString(16).padStart(2, '0'));
    }
  }
  return null;
}
