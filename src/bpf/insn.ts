// The eBPF instruction as data: one variant per instruction form of the ISA (cpu v1..v4).
// `decode` turns a section's bytes into one Insn per 8-byte slot, so an array index IS the
// instruction index the verifier log prints; the second slot of ld_imm64 is an 'ld_imm64_hi'
// placeholder that no control flow reaches. format.ts prints the kernel log notation.
import {
  ALU, ATOMIC, CLASS, JMP, MAY_GOTO, MODE, PSEUDO_CALL, PSEUDO_KFUNC_CALL, SIZE, SRC, ADDR_SPACE_CAST,
  insnClass, insnMode, insnOp, insnSize, insnSrc, sizeBytes,
} from './opcode.js';

/** The raw fields every instruction keeps (as the kernel's struct bpf_insn; off/imm sign-extended). */
export interface RawInsn { code: number; dst: number; src: number; off: number; imm: number }

export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'or' | 'and' | 'lsh' | 'rsh' | 'mod' | 'xor' | 'mov' | 'arsh';
export type JmpOp = 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';
export type AtomicOp = 'add' | 'and' | 'or' | 'xor' | 'xchg' | 'cmpxchg';
export type MemSize = 1 | 2 | 4 | 8;

export type Insn =
  /** dst op= src|imm. `alu64` false = 32-bit (w regs). `signed`: sdiv/smod (off=1). `movsx`: sign-extending mov from 8/16/32 bits (off). */
  | RawInsn & { kind: 'alu'; op: AluOp; alu64: boolean; useReg: boolean; signed: boolean; movsx: 0 | 8 | 16 | 32 }
  | RawInsn & { kind: 'neg'; alu64: boolean }
  /** BPF_END: to 'le'/'be' (ALU class) or unconditional 'swap' (ALU64, cpu v4 bswap); bits = imm. */
  | RawInsn & { kind: 'endian'; to: 'le' | 'be' | 'swap'; bits: number }
  /** r_dst = addr_space_cast(r_src, imm>>16, imm&0xffff) (arena). */
  | RawInsn & { kind: 'addr_space_cast' }
  /** 64-bit immediate over two slots. `pseudo` = src field (PSEUDO.*), `value` = (imm2 << 32) | imm. */
  | RawInsn & { kind: 'ld_imm64'; pseudo: number; value: bigint; imm2: number }
  | RawInsn & { kind: 'ld_imm64_hi' }
  /** Legacy packet loads: r0 = *(size *)skb[imm] / skb[r_src + imm]. */
  | RawInsn & { kind: 'ld_abs' | 'ld_ind'; size: MemSize }
  /** r_dst = *(size *)(r_src + off); `signExtend` = BPF_MEMSX (cpu v4 ldsx). */
  | RawInsn & { kind: 'ldx'; size: MemSize; signExtend: boolean }
  /** *(size *)(r_dst + off) = imm */
  | RawInsn & { kind: 'st'; size: MemSize }
  /** *(size *)(r_dst + off) = r_src */
  | RawInsn & { kind: 'stx'; size: MemSize }
  /** Atomic on *(size *)(r_dst + off) with r_src; `fetch` puts the old value in r_src (r0 for cmpxchg). */
  | RawInsn & { kind: 'atomic'; size: 4 | 8; op: AtomicOp; fetch: boolean }
  /** Conditional jump to (index + 1 + off). */
  | RawInsn & { kind: 'jmp'; op: JmpOp; jmp32: boolean; useReg: boolean }
  /** goto: `long` = gotol (JMP32|JA, offset in imm). `offset` is the effective one. */
  | RawInsn & { kind: 'ja'; long: boolean; offset: number }
  | RawInsn & { kind: 'may_goto' }
  /** call: helper (imm = BPF_FUNC_* id), subprog (imm = relative target - 1), kfunc (imm = BTF id, off = btf fd index). */
  | RawInsn & { kind: 'call'; target: 'helper' | 'subprog' | 'kfunc' }
  /** callx r_dst (indirect call). */
  | RawInsn & { kind: 'callx' }
  | RawInsn & { kind: 'exit' }
  /** Not a valid instruction: the kernel rejects it ("unknown opcode %02x" / "invalid ..."). */
  | RawInsn & { kind: 'unknown'; reason: string };

export type InsnKind = Insn['kind'];

const ALU_OPS: Record<number, AluOp> = {
  [ALU.ADD]: 'add', [ALU.SUB]: 'sub', [ALU.MUL]: 'mul', [ALU.DIV]: 'div', [ALU.OR]: 'or', [ALU.AND]: 'and',
  [ALU.LSH]: 'lsh', [ALU.RSH]: 'rsh', [ALU.MOD]: 'mod', [ALU.XOR]: 'xor', [ALU.MOV]: 'mov', [ALU.ARSH]: 'arsh',
};
const JMP_OPS: Record<number, JmpOp> = {
  [JMP.JEQ]: 'jeq', [JMP.JGT]: 'jgt', [JMP.JGE]: 'jge', [JMP.JSET]: 'jset', [JMP.JNE]: 'jne', [JMP.JSGT]: 'jsgt',
  [JMP.JSGE]: 'jsge', [JMP.JLT]: 'jlt', [JMP.JLE]: 'jle', [JMP.JSLT]: 'jslt', [JMP.JSLE]: 'jsle',
};

/** Read the raw fields of slot `i` (little-endian, as -target bpf / bpfel emits). */
export function rawAt(view: DataView, i: number): RawInsn {
  const b = i * 8;
  const regs = view.getUint8(b + 1);
  return { code: view.getUint8(b), dst: regs & 0x0f, src: regs >> 4, off: view.getInt16(b + 2, true), imm: view.getInt32(b + 4, true) };
}

/** Decode a whole code section. Length must be a multiple of 8 (the caller names the file on error). */
export function decode(bytes: Uint8Array): Insn[] {
  if (bytes.length % 8 !== 0) throw new RangeError(`code length ${bytes.length} is not a multiple of 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / 8;
  const out: Insn[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const raw = rawAt(view, i);
    if (raw.code === (CLASS.LD | MODE.IMM | SIZE.DW)) {
      if (i + 1 >= n) { out[i] = { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'unknown', reason: 'invalid bpf_ld_imm64 insn' }; continue; }
      const hi = rawAt(view, i + 1);
      out[i] = decodeLdImm64(raw, hi);
      out[i + 1] = { code: hi.code, dst: hi.dst, src: hi.src, off: hi.off, imm: hi.imm, kind: 'ld_imm64_hi' };
      i++;
      continue;
    }
    out[i] = decodeOne(raw);
  }
  return out;
}

/** The two slots of ld_imm64 together. */
export function decodeLdImm64(lo: RawInsn, hi: RawInsn): Insn {
  if (hi.code !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) return { code: lo.code, dst: lo.dst, src: lo.src, off: lo.off, imm: lo.imm, kind: 'unknown', reason: 'invalid bpf_ld_imm64 insn' };
  const value = (BigInt(hi.imm >>> 0) << 32n) | BigInt(lo.imm >>> 0);
  return { code: lo.code, dst: lo.dst, src: lo.src, off: lo.off, imm: lo.imm, kind: 'ld_imm64', pseudo: lo.src, value, imm2: hi.imm };
}

/** Decode one single-slot instruction (ld_imm64 needs decodeLdImm64). */
export function decodeOne(raw: RawInsn): Insn {
  const { code } = raw;
  const unknown = (reason = `unknown opcode ${code.toString(16).padStart(2, '0')}`): Insn => ({ code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'unknown', reason });
  switch (insnClass(code)) {
    case CLASS.ALU: case CLASS.ALU64: {
      const alu64 = insnClass(code) === CLASS.ALU64;
      const op = insnOp(code);
      if (op === ALU.END) {
        if (!alu64) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'endian', to: insnSrc(code) === SRC.X ? 'be' : 'le', bits: raw.imm };
        return insnSrc(code) === SRC.K ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'endian', to: 'swap', bits: raw.imm } : unknown();
      }
      if (op === ALU.NEG) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'neg', alu64 };
      const aop = ALU_OPS[op];
      if (!aop) return unknown();
      const useReg = insnSrc(code) === SRC.X;
      if (alu64 && aop === 'mov' && useReg && raw.off === ADDR_SPACE_CAST) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'addr_space_cast' };
      const signed = (aop === 'div' || aop === 'mod') && raw.off === 1;
      const movsx = aop === 'mov' && (raw.off === 8 || raw.off === 16 || raw.off === 32) ? raw.off as 8 | 16 | 32 : 0;
      return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'alu', op: aop, alu64, useReg, signed, movsx };
    }
    case CLASS.LD: {
      const mode = insnMode(code);
      if (mode === MODE.ABS) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'ld_abs', size: sizeBytes(insnSize(code)) };
      if (mode === MODE.IND) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'ld_ind', size: sizeBytes(insnSize(code)) };
      return unknown();
    }
    case CLASS.LDX: {
      const mode = insnMode(code);
      if (mode !== MODE.MEM && mode !== MODE.MEMSX) return unknown();
      if (mode === MODE.MEMSX && insnSize(code) === SIZE.DW) return unknown();
      return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'ldx', size: sizeBytes(insnSize(code)), signExtend: mode === MODE.MEMSX };
    }
    case CLASS.ST:
      return insnMode(code) === MODE.MEM ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'st', size: sizeBytes(insnSize(code)) } : unknown();
    case CLASS.STX: {
      const mode = insnMode(code);
      if (mode === MODE.MEM) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'stx', size: sizeBytes(insnSize(code)) };
      if (mode !== MODE.ATOMIC) return unknown();
      const size = sizeBytes(insnSize(code));
      if (size !== 4 && size !== 8) return unknown();
      const imm = raw.imm;
      if (imm === ATOMIC.XCHG) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'atomic', size, op: 'xchg', fetch: true };
      if (imm === ATOMIC.CMPXCHG) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'atomic', size, op: 'cmpxchg', fetch: true };
      const fetch = (imm & ATOMIC.FETCH) !== 0;
      const base = imm & ~ATOMIC.FETCH;
      const aop = base === ATOMIC.ADD ? 'add' : base === ATOMIC.AND ? 'and' : base === ATOMIC.OR ? 'or' : base === ATOMIC.XOR ? 'xor' : null;
      // a valid opcode (bpf_opcode_in_insntable) with an imm that names no operation: check_atomic refuses it
      return aop ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'atomic', size, op: aop, fetch } : unknown(`BPF_ATOMIC uses invalid atomic opcode ${(imm >>> 0).toString(16).padStart(2, '0')}`);
    }
    case CLASS.JMP: case CLASS.JMP32: {
      const jmp32 = insnClass(code) === CLASS.JMP32;
      const op = insnOp(code);
      if (op === JMP.JA) {
        if (insnSrc(code) !== SRC.K) return unknown();
        return jmp32 ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'ja', long: true, offset: raw.imm } : { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'ja', long: false, offset: raw.off };
      }
      if (jmp32 && (op === JMP.CALL || op === JMP.EXIT || op === JMP.JCOND)) return unknown();
      if (op === JMP.CALL) {
        if (insnSrc(code) === SRC.X) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'callx' };
        const target = raw.src === PSEUDO_CALL ? 'subprog' : raw.src === PSEUDO_KFUNC_CALL ? 'kfunc' : raw.src === 0 ? 'helper' : null;
        return target ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'call', target } : unknown();
      }
      if (op === JMP.EXIT) return { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'exit' };
      if (op === JMP.JCOND) return raw.src === MAY_GOTO ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'may_goto' } : unknown();
      const jop = JMP_OPS[op];
      return jop ? { code: raw.code, dst: raw.dst, src: raw.src, off: raw.off, imm: raw.imm, kind: 'jmp', op: jop, jmp32, useReg: insnSrc(code) === SRC.X } : unknown();
    }
  }
  return unknown();
}

/** Index a jump/goto/may_goto/subprog call at `idx` transfers to; null for other kinds. */
export function jumpTarget(insn: Insn, idx: number): number | null {
  switch (insn.kind) {
    case 'jmp': case 'may_goto': return idx + 1 + insn.off;
    case 'ja': return idx + 1 + insn.offset;
    case 'call': return insn.target === 'subprog' ? idx + 1 + insn.imm : null;
    default: return null;
  }
}

/** Number of slots the instruction occupies (2 for ld_imm64). */
export const slots = (insn: Insn): 1 | 2 => (insn.kind === 'ld_imm64' ? 2 : 1);
