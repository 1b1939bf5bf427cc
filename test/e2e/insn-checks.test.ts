// The kernel's instruction-encoding checks, model against the real Debian 6.12 and 7.3.4 kernels in QEMU:
// a clang-19 object whose programs' first instructions are overwritten with malformed ones
// (reserved fields set, registers past r10, an opcode outside the table, a bad shift, an invalid
// atomic operation). Kernel and model must agree on rule, instruction and message.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readElf } from '../../src/elf/reader.js';
import { compileFault } from '../fixtures/faults/compile.js';
import { KERNEL_612, KERNEL_73 } from './kernels.js';

const obj = await compileFault('two_insns');
const bytes = new Uint8Array(readFileSync(obj));
const tc = readElf(bytes, obj).section('tc')!;
// [code, regs (src << 4 | dst), off, imm] for the first insn of p0..p5, and the kernel's message
// (the same on 6.12 and 7.3)
const CASES: [number, number, number, number, string][] = [
  [0xb4, 0x70, 0, 0, 'BPF_MOV uses reserved fields'],   // w0 = 0 with src_reg 7
  [0xbf, 0xc0, 0, 0, 'R12 is invalid'],                 // r0 = r12
  [0xb7, 0x0d, 0, 1, 'R13 is invalid'],                 // r13 = 1
  [0xf7, 0x00, 0, 0, 'unknown opcode f7'],
  [0x67, 0x00, 0, 64, 'R0 !read_ok'],                   // r0 <<= 64: dst is read before the shift is checked
  [0xdb, 0xa1, -8, 0x33, 'BPF_ATOMIC uses invalid atomic opcode 33'],
];
const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const put = (insn: number, [code, regs, off, imm]: [number, number, number, number]) => {
  const o = tc.offset + insn * 8;
  v.setUint8(o, code); v.setUint8(o + 1, regs); v.setInt16(o + 2, off, true); v.setInt32(o + 4, imm, true);
};
CASES.forEach(([code, regs, off, imm], i) => put(i * 2, [code, regs, off, imm]));
// p6: r0 = r3 (never written), then exit with imm 1: 6.12's walk reads r3 first; 7.x's
// check_insn_fields refuses the exit's reserved field before any walk
put(12, [0xbf, 0x30, 0, 0]);
put(13, [0x95, 0x00, 0, 1]);
const PLACEMENT: Record<string, string> = { [KERNEL_612]: 'R3 !read_ok', [KERNEL_73]: 'BPF_EXIT uses reserved fields' };
const mutant = join(mkdtempSync(join(tmpdir(), 'insn-checks-')), 'malformed.o');
writeFileSync(mutant, bytes);

// Each line's placement of these checks: 6.12 in the walk, 7.x before it (check_insn_fields)
const rows: Record<string, any>[] = [];
for (const kernel of [KERNEL_612, KERNEL_73]) {
  const run = await execa('node', [join(process.cwd(), 'bin', 'bpf-verdict.js'), 'run', '--kernel', kernel, mutant, '--json'], { reject: false, timeout: 20 * 60_000 });
  t.equal(run.exitCode, 0, `${kernel}: everything agrees`);
  rows.push(...run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>));
}

t.test('kernel and model agree on each malformed instruction, on each line', async (t) => {
  for (const kernel of [KERNEL_612, KERNEL_73]) {
    const mine = rows.filter((r) => r.kernel_spec === kernel);
    t.equal(mine.length, CASES.length + 1, `${kernel}: ${mine.length} programs ran`);
    const want = [...CASES.map((c) => c[4]), PLACEMENT[kernel]!];
    want.forEach((message, i) => {
      const r = mine.find((x) => x.program === `p${i}`);
      t.equal(r?.kernel.message, message, `${kernel} p${i}: the kernel says '${message}'`);
      t.equal(r?.model.message, message, `${kernel} p${i}: so does the model`);
      t.equal(r?.outcome, 'agree', `${kernel} p${i}: agree (rule ${r?.kernel.rule})`);
    });
  }
});
