// A second, independent printer in llvm-objdump-19's syntax, used only by the tests: printing our
// decoded Insn the way llvm does and comparing with llvm's own output checks every decoded field
// (class, op, size, registers, offset, immediate) against a decoder we did not write.
import type { Insn, MemSize } from '../../src/bpf/insn.js';

const hex = (n: number | bigint): string => (n < 0 ? `-0x${(-BigInt(n)).toString(16)}` : `0x${n.toString(16)}`);
const mem = (base: number, off: number): string => `(r${base} ${off < 0 ? '-' : '+'} ${hex(Math.abs(off))})`;
const U: Record<MemSize, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
const S: Record<MemSize, string> = { 1: 's8', 2: 's16', 4: 's32', 8: 's64' };
const ALU = { add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', xor: '^=', mov: '=', arsh: 's>>=' } as const;
const JMP = { jeq: '==', jne: '!=', jgt: '>', jge: '>=', jlt: '<', jle: '<=', jsgt: 's>', jsge: 's>=', jslt: 's<', jsle: 's<=', jset: '&' } as const;
const jo = (n: number) => (n < 0 ? `-${hex(-n)}` : `+${hex(n)}`);

export function llvmText(i: Insn): string {
  switch (i.kind) {
    case 'alu': {
      const r = i.alu64 ? 'r' : 'w';
      const op = i.signed ? (i.op === 'div' ? 's/=' : 's%=') : ALU[i.op];
      if (i.useReg) return `${r}${i.dst} ${op} ${i.movsx ? `(s${i.movsx})` : ''}${r}${i.src}`;
      return `${r}${i.dst} ${op} ${hex(i.imm)}`;
    }
    case 'neg': { const r = i.alu64 ? 'r' : 'w'; return `${r}${i.dst} = -${r}${i.dst}`; }
    case 'endian': return `r${i.dst} = ${i.to === 'swap' ? 'bswap' : i.to}${i.bits} r${i.dst}`;
    case 'addr_space_cast': return `r${i.dst} = addr_space_cast(r${i.src}, ${hex(i.imm >>> 16)}, ${hex(i.imm & 0xffff)})`;
    case 'ld_imm64': return `r${i.dst} = ${hex(BigInt.asIntN(64, i.value))} ll`;
    case 'ld_imm64_hi': return '';
    case 'ld_abs': return `r0 = *(${U[i.size]} *)skb[${hex(i.imm)}]`;
    case 'ld_ind': return `r0 = *(${U[i.size]} *)skb[r${i.src}]`;
    case 'ldx': return `${i.size < 8 && !i.signExtend ? 'w' : 'r'}${i.dst} = *(${(i.signExtend ? S : U)[i.size]} *)${mem(i.src, i.off)}`;
    case 'st': return `*(${U[i.size]} *)${mem(i.dst, i.off)} = ${hex(i.imm)}`;
    case 'stx': return `*(${U[i.size]} *)${mem(i.dst, i.off)} = ${i.size < 8 ? 'w' : 'r'}${i.src}`;
    case 'atomic': {
      const r = i.size === 8 ? 'r' : 'w';
      if (i.op === 'xchg') return i.size === 8 ? `r${i.src} = xchg_64${mem(i.dst, i.off).replace(/^\(/, '(')}`.replace(/\)$/, `, r${i.src})`) : `w${i.src} = xchg32_32${mem(i.dst, i.off)}`.replace(/\)$/, `, w${i.src})`);
      if (i.op === 'cmpxchg') return i.size === 8 ? `r0 = cmpxchg_64${mem(i.dst, i.off)}`.replace(/\)$/, `, r0, r${i.src})`) : `w0 = cmpxchg32_32${mem(i.dst, i.off)}`.replace(/\)$/, `, w0, w${i.src})`);
      if (i.fetch) return `${r}${i.src} = atomic_fetch_${i.op}((${U[i.size]} *)${mem(i.dst, i.off)}, ${r}${i.src})`;
      return `lock *(${U[i.size]} *)${mem(i.dst, i.off)} ${ALU[i.op]} ${r}${i.src}`;
    }
    case 'jmp': {
      const r = i.jmp32 ? 'w' : 'r';
      return `if ${r}${i.dst} ${JMP[i.op]} ${i.useReg ? `${r}${i.src}` : hex(i.imm)} goto ${jo(i.off)}`;
    }
    case 'ja': return i.long ? `gotol ${jo(i.imm)}` : `goto ${jo(i.off)}`;
    case 'may_goto': return `may_goto ${jo(i.off)}`;
    case 'call': return `call ${hex(i.imm)}`;
    case 'callx': return `callx r${i.dst}`;
    case 'exit': return 'exit';
    case 'unknown': return '<unknown>';
  }
}
