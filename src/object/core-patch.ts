// Apply every CO-RE relocation of a program as libbpf's bpf_core_patch_insn does, for one target
// kernel's BTF: ALU immediates, load/store offsets (and widths), ld_imm64 values; an unresolvable
// field access is poisoned into `call 0xbad2310`. Relocations the model cannot decide (no target
// BTF) are kept on the instruction as `unresolved`, and the walk answers `unsupported` there.
import { decodeLdImm64, decodeOne, type Insn, type RawInsn } from '../bpf/insn.js';
import { CLASS, insnClass, insnSrc, SRC } from '../bpf/opcode.js';
import type { Btf } from '../btf/types.js';
import { coreOutcome } from './core-relo.js';
import type { BpfObject, BpfProgram, InsnReloc } from './types.js';

/** libbpf's poison: a helper call no kernel has (the verifier prints "invalid func unknown#195896080"). */
export const CORE_POISON_IMM = 195896080;

const raw = (i: Insn): RawInsn => ({ code: i.code, dst: i.dst, src: i.src, off: i.off, imm: i.imm });
const SIZE_CODE: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };

/** The program with every CO-RE relocation applied for `target` (null: the target's BTF is unknown). */
export function relocateCore(obj: BpfObject, prog: BpfProgram, target: Btf | null): BpfProgram {
  const btf = obj.btf;
  if (!btf || ![...prog.relocs.values()].some((r) => r.kind === 'core')) return prog;
  const insns = prog.insns.slice();
  const relocs = new Map(prog.relocs);
  const mark = (idx: number, rel: Extract<InsnReloc, { kind: 'core' }>, why: string) => relocs.set(idx, { ...rel, unresolved: why });
  for (const [idx, rel] of prog.relocs) {
    if (rel.kind !== 'core') continue;
    const insn = insns[idx]!;
    const out = coreOutcome(btf, target, { typeId: rel.localTypeId, accessStr: rel.accessStr, kind: rel.relo });
    if (out.kind === 'unsupported') { mark(idx, rel, out.reason); continue; }
    // libbpf fails the load: the model has no verdict to give for a program the kernel never sees
    if (out.kind === 'error') { mark(idx, rel, `libbpf refuses the object: ${out.reason}`); continue; }
    const cls = insnClass(insn.code);
    const poison = (): void => {
      const p: RawInsn = { code: CLASS.JMP | 0x80, dst: 0, src: 0, off: 0, imm: CORE_POISON_IMM };
      insns[idx] = decodeOne(p);
      if (insn.kind === 'ld_imm64') insns[idx + 1] = decodeOne(p);
    };
    // libbpf rewrites the verifier's "invalid func unknown#195896080" for this insn into its own text
    if (out.kind === 'poison') { poison(); relocs.set(idx, { ...rel, poisoned: out.spec }); continue; }
    const r = raw(insn);
    if (cls === CLASS.ALU || cls === CLASS.ALU64) {
      if (insnSrc(insn.code) !== SRC.K) { mark(idx, rel, 'libbpf refuses the object: CO-RE relocation on an ALU instruction with a register source'); continue; }
      insns[idx] = decodeOne({ ...r, imm: Number(BigInt.asIntN(32, out.value)) });
    } else if (cls === CLASS.LDX || cls === CLASS.ST || cls === CLASS.STX) {
      if (out.badMemSize) { poison(); relocs.set(idx, { ...rel, poisoned: out.badMemSize }); continue; }
      if (out.value > 0x7fffn) { mark(idx, rel, `libbpf refuses the object: CO-RE offset ${out.value} does not fit a load/store`); continue; }
      const code = out.size !== undefined ? (r.code & ~0x18) | SIZE_CODE[out.size]! : r.code;
      insns[idx] = decodeOne({ ...r, code, off: Number(out.value) });
    } else if (insn.kind === 'ld_imm64') {
      const v = BigInt.asUintN(64, out.value);
      const hi = raw(insns[idx + 1]!);
      insns[idx] = decodeLdImm64({ ...r, imm: Number(BigInt.asIntN(32, v & 0xffffffffn)) }, { ...hi, imm: Number(BigInt.asIntN(32, v >> 32n)) });
    } else {
      mark(idx, rel, 'libbpf refuses the object: CO-RE relocation on an instruction it cannot patch');
    }
  }
  return { ...prog, insns, relocs };
}
