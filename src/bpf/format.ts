// Print instructions in the kernel verifier log's notation, as kernel/bpf/disasm.c's print_bpf_insn
// does with the verifier's callbacks (disasm_kfunc_name for kfunc names, no cb_imm), so a model
// trace lines up with a kernel log: `12: (85) call bpf_obj_new_impl#65432`.
import type { Insn, MemSize } from './insn.js';
import { helperName } from './helpers.js';
import { PSEUDO } from './opcode.js';

/** Optional names the object knows and the bare instruction does not. */
export interface FormatResolver {
  /** Name for a kfunc call (the kernel prints the vmlinux BTF name), or for a helper id the table lacks. */
  callName?(insn: Insn, idx: number): string | null | undefined;
  /** Text for a ld_imm64 operand (the kernel prints the map address, or 0x0 without ptr leaks). */
  ldImm64?(insn: Insn, idx: number): string | null | undefined;
}

const LDST: Record<MemSize, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
const LDSX: Record<MemSize, string> = { 1: 's8', 2: 's16', 4: 's32', 8: 'BUG' };
const ALU_STR = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', xor: '^=', mov: '=', arsh: 's>>=',
} as const;
const JMP_STR = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
} as const;
/** ld_imm64 forms whose value is a kernel pointer (zeroed in the log unless ptr leaks are allowed). */
const PTR_PSEUDO = new Set<number>([PSEUDO.MAP_FD, PSEUDO.MAP_VALUE, PSEUDO.MAP_IDX, PSEUDO.MAP_IDX_VALUE, PSEUDO.BTF_ID]);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** C's "%+d". */
const signed = (n: number): string => (n >= 0 ? `+${n}` : `${n}`);

/** `idx: (code) text`, exactly one verifier log line (without the trailing newline). */
export function formatInsn(insn: Insn, idx: number, resolver?: FormatResolver): string {
  return `${idx}: ${formatInsnText(insn, idx, resolver)}`;
}

/** The log text after "idx: ", e.g. `(7b) *(u64 *)(r10 -8) = r1`. */
export function formatInsnText(insn: Insn, idx = 0, resolver?: FormatResolver): string {
  const code = `(${hex2(insn.code)})`;
  switch (insn.kind) {
    case 'alu': {
      const r = insn.alu64 ? 'r' : 'w';
      const op = insn.signed ? (insn.op === 'div' ? 's/=' : 's%=') : ALU_STR[insn.op];
      if (insn.useReg) {
        const sx = insn.movsx ? `(s${insn.movsx})` : '';
        return `${code} ${r}${insn.dst} ${op} ${sx}${r}${insn.src}`;
      }
      return `${code} ${r}${insn.dst} ${op} ${insn.imm}`;
    }
    case 'neg': {
      const r = insn.alu64 ? 'r' : 'w';
      return `${code} ${r}${insn.dst} = -${r}${insn.dst}`;
    }
    case 'endian':
      return insn.to === 'swap'
        ? `${code} r${insn.dst} = bswap${insn.imm} r${insn.dst}`
        : `${code} r${insn.dst} = ${insn.to}${insn.imm} r${insn.dst}`;
    case 'addr_space_cast':
      return `${code} r${insn.dst} = addr_space_cast(r${insn.src}, ${insn.imm >>> 16}, ${insn.imm & 0xffff})`;
    case 'ld_imm64': {
      const custom = resolver?.ldImm64?.(insn, idx);
      const value = PTR_PSEUDO.has(insn.pseudo) ? 0n : insn.value;
      return `${code} r${insn.dst} = ${custom ?? `0x${value.toString(16)}`}`;
    }
    case 'ld_imm64_hi':
      // Never printed by the kernel (the log skips the second slot); shown for completeness.
      return `${code} (ld_imm64 second half) imm=${insn.imm}`;
    case 'ld_abs':
      return `${code} r0 = *(${LDST[insn.size]} *)skb[${insn.imm}]`;
    case 'ld_ind':
      return `${code} r0 = *(${LDST[insn.size]} *)skb[r${insn.src} + ${insn.imm}]`;
    case 'ldx':
      return `${code} r${insn.dst} = *(${(insn.signExtend ? LDSX : LDST)[insn.size]} *)(r${insn.src} ${signed(insn.off)})`;
    case 'st':
      return `${code} *(${LDST[insn.size]} *)(r${insn.dst} ${signed(insn.off)}) = ${insn.imm}`;
    case 'stx':
      return `${code} *(${LDST[insn.size]} *)(r${insn.dst} ${signed(insn.off)}) = r${insn.src}`;
    case 'atomic': {
      const ty = LDST[insn.size];
      const w = insn.size === 8 ? '64' : '';
      const mem = `(${ty} *)(r${insn.dst} ${signed(insn.off)})`;
      switch (insn.op) {
        case 'xchg': return `${code} r${insn.src} = atomic${w}_xchg(${mem}, r${insn.src})`;
        case 'cmpxchg': return `${code} r0 = atomic${w}_cmpxchg(${mem}, r0, r${insn.src})`;
        default:
          return insn.fetch
            ? `${code} r${insn.src} = atomic${w}_fetch_${insn.op}(${mem}, r${insn.src})`
            : `${code} lock *${mem} ${ALU_STR[insn.op]} r${insn.src}`;
      }
    }
    case 'jmp': {
      const r = insn.jmp32 ? 'w' : 'r';
      const rhs = insn.useReg ? `${r}${insn.src}` : `0x${(insn.imm >>> 0).toString(16)}`;
      return `${code} if ${r}${insn.dst} ${JMP_STR[insn.op]} ${rhs} goto pc${signed(insn.off)}`;
    }
    case 'ja':
      return insn.long ? `${code} gotol pc${signed(insn.imm)}` : `${code} goto pc${signed(insn.off)}`;
    case 'may_goto':
      return `${code} may_goto pc${signed(insn.off)}`;
    case 'call':
    case 'callx': {
      // disasm.c keys on BPF_OP == BPF_CALL only, so callx prints like a helper call (the 6.12
      // verifier then rejects it as an unknown opcode).
      if (insn.kind === 'call' && insn.target === 'subprog') return `${code} call pc${signed(insn.imm)}`;
      const kfunc = insn.kind === 'call' && insn.target === 'kfunc';
      const fromTable = insn.src === 0 ? helperName(insn.imm) : null;
      const name = fromTable ?? resolver?.callName?.(insn, idx) ?? (kfunc ? 'kernel-function' : 'unknown');
      return `${code} call ${name}#${insn.imm}`;
    }
    case 'exit':
      return `${code} exit`;
    case 'unknown':
      return unknownText(insn.code);
  }
}

/** What disasm.c prints for an opcode it has no case for. */
function unknownText(code: number): string {
  switch (code & 0x07) {
    case 0x03: return `BUG_${hex2(code)}`;
    case 0x02: return `BUG_st_${hex2(code)}`;
    case 0x01: return `BUG_ldx_${hex2(code)}`;
    case 0x00: return `BUG_ld_${hex2(code)}`;
    default: return `(${hex2(code)}) unknown`;
  }
}

/** A source line record, as BpfProgram.lines holds them. */
export interface SourceLine { file: string; line: number; text: string }

/**
 * The kernel log's source line before an instruction (log.c verbose_linfo with the "; " prefix
 * do_check uses): `; if (!n) @ graph.c:24`. The kernel prints one only when the line record changes
 * and skips a record with the same file and line as the previous one.
 */
export function formatLineInfo(l: SourceLine): string {
  const slash = l.file.lastIndexOf('/');
  return `; ${l.text.replace(/^[ \t\n\r\f\v]+/, '')} @ ${slash >= 0 ? l.file.slice(slash + 1) : l.file}:${l.line}`;
}
