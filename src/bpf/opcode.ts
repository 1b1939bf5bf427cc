// Opcode fields of an eBPF instruction, as include/uapi/linux/bpf_common.h and bpf.h define them.
// Pure constants and field extractors; decode.ts and format.ts read instructions through these.

export const CLASS = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, JMP32: 0x06, ALU64: 0x07 } as const;
/** BPF_SIZE: W=4, H=2, B=1, DW=8 bytes. */
export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;
export const SRC = { K: 0x00, X: 0x08 } as const;

export const ALU = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80,
  MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;
export const JMP = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70, CALL: 0x80,
  EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0, JCOND: 0xe0,
} as const;
/** Atomic operations live in imm; BPF_FETCH (0x01) is or-ed in for the fetching forms. */
export const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1 } as const;

/** src_reg values of ld_imm64 (BPF_LD | BPF_IMM | BPF_DW) in include/uapi/linux/bpf.h. */
export const PSEUDO = {
  MAP_FD: 1, MAP_VALUE: 2, BTF_ID: 3, FUNC: 4, MAP_IDX: 5, MAP_IDX_VALUE: 6,
} as const;
/** src_reg values of BPF_JMP | BPF_CALL. */
export const PSEUDO_CALL = 1;
export const PSEUDO_KFUNC_CALL = 2;
/** src_reg of BPF_JMP | BPF_JCOND. */
export const MAY_GOTO = 0;
/** insn->off of BPF_ALU64 | BPF_MOV | BPF_X marking addr_space_cast (arena). */
export const ADDR_SPACE_CAST = 1;

export const insnClass = (code: number): number => code & 0x07;
export const insnSize = (code: number): number => code & 0x18;
export const insnMode = (code: number): number => code & 0xe0;
export const insnOp = (code: number): number => code & 0xf0;
export const insnSrc = (code: number): number => code & 0x08;

/** Bytes for a BPF_SIZE field. */
export function sizeBytes(size: number): 1 | 2 | 4 | 8 {
  switch (size) {
    case SIZE.B: return 1;
    case SIZE.H: return 2;
    case SIZE.W: return 4;
    default: return 8;
  }
}
