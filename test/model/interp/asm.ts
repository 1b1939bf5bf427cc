// Test helper: a one-program object from hand-assembled instructions (no clang), for checks that
// clang never provokes (reserved fields, one instruction reached with two pointer types).
import { decode, type RawInsn } from '../../../src/bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../../src/object/types.js';

export const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });

/** A tc program whose instructions are `raw` (ld_imm64 pairs decoded together, as from an ELF). */
export function asmObject(raw: RawInsn[]): BpfObject {
  const bytes = new Uint8Array(raw.length * 8);
  const v = new DataView(bytes.buffer);
  raw.forEach((r, i) => {
    v.setUint8(i * 8, r.code);
    v.setUint8(i * 8 + 1, (r.src << 4) | r.dst);
    v.setInt16(i * 8 + 2, r.off, true);
    v.setInt32(i * 8 + 4, r.imm, true);
  });
  const insns = decode(bytes);
  const prog: BpfProgram = {
    name: 'p', section: 'tc', progType: 'sched_cls', attachTo: null, sleepable: false, insns,
    funcs: [{ name: 'p', start: 0, end: insns.length, btfTypeId: null, linkage: 'global' }],
    relocs: new Map(), lines: new Map(), declTags: [],
  };
  return { file: 'hand-made.o', btf: null, maps: [], programs: [prog], license: 'GPL' };
}
