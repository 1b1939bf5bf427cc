// formatInsn vs the kernel's own printer: a verifier log recorded from a real kernel for fmt.c
// (test/fixtures/readers/fmt.kernel.log, labelled as recorded) must match our output line by line,
// after libbpf-style relocation by readObject puts every instruction at the kernel's index.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOne, decodeLdImm64, type RawInsn } from '../../src/bpf/insn.js';
import { formatInsn, formatInsnText } from '../../src/bpf/format.js';
import { readObject } from '../../src/object/read.js';
import { compileFixture, FIXTURE_SRC } from '../fixtures/readers/compile.js';

t.test('matches the recorded kernel verifier log of fmt.c, instruction by instruction', async (t) => {
  const { path, bytes } = await compileFixture('fmt', 'v4');
  const prog = readObject(bytes, path).programs.find((p) => p.name === 'fmt')!;
  const log = readFileSync(join(FIXTURE_SRC, 'fmt.kernel.log'), 'utf8').split('\n');
  const kernel = new Map<number, string>();
  for (const line of log) {
    const m = /^\s+(\d+): \S{10} (\(.*)$/.exec(line);
    if (m) kernel.set(Number(m[1]), m[2]!);
  }
  t.ok(kernel.size > 80, `${kernel.size} instructions in the recorded log`);
  const funcStarts = log.flatMap((l) => { const m = /^func#\d+ @(\d+)$/.exec(l); return m ? [Number(m[1])] : []; });
  t.same(prog.funcs.map((f) => f.start), funcStarts, 'subprograms appended where libbpf put them (func#N @start)');

  const resolver = { callName: (_: unknown, i: number) => { const r = prog.relocs.get(i); return r?.kind === 'kfunc' ? r.name : null; } };
  const mismatches: string[] = [];
  let compared = 0;
  prog.insns.forEach((insn, i) => {
    if (insn.kind === 'ld_imm64_hi') { t.notOk(kernel.has(i), `slot ${i} (second half of ld_imm64) is not printed`); return; }
    let want = kernel.get(i);
    let got = formatInsnText(insn, i, resolver);
    if (want === undefined) { mismatches.push(`${i}: not in the kernel log`); return; }
    const reloc = prog.relocs.get(i);
    // Map and map-value addresses are the recording host's kernel pointers: compare the shape.
    if (reloc?.kind === 'map' || reloc?.kind === 'map_value') {
      want = want.replace(/= 0x[0-9a-f]+$/, '= <kernel address>');
      got = got.replace(/= 0x0$/, '= <kernel address>');
    }
    // A kfunc's number is its BTF id in the running kernel's vmlinux, unknown without it.
    if (reloc?.kind === 'kfunc') { want = want.replace(/#\d+$/, '#<btf id>'); got = got.replace(/#-?\d+$/, '#<btf id>'); }
    if (want !== got) mismatches.push(`${i}: kernel "${want}" ours "${got}"`);
    compared++;
  });
  t.same(mismatches, [], `${compared} instructions print exactly as the kernel printed them`);
  t.equal(formatInsn(prog.insns[0]!, 0), '0: (bf) r6 = r1', 'formatInsn prefixes the index');
});

const raw = (code: number, dst: number, src: number, off: number, imm: number): RawInsn => ({ code, dst, src, off, imm });

t.test('forms outside the recorded log, from disasm.c format strings', async (t) => {
  const cases: [RawInsn, string][] = [
    [raw(0x30, 0, 0, 0, 12), '(30) r0 = *(u8 *)skb[12]'],
    [raw(0x48, 0, 3, 0, 4), '(48) r0 = *(u16 *)skb[r3 + 4]'],
    [raw(0xe5, 0, 0, 3, 0), '(e5) may_goto pc+3'],
    [raw(0xbf, 1, 2, 1, 1), '(bf) r1 = addr_space_cast(r2, 0, 1)'],
    [raw(0x84, 4, 0, 0, 0), '(84) w4 = -w4'],
    [raw(0x16, 1, 0, -3, -1), '(16) if w1 == 0xffffffff goto pc-3'],
    [raw(0x85, 0, 0, 0, 9999), '(85) call unknown#9999'],
    [raw(0x85, 0, 2, 0, 123), '(85) call kernel-function#123'],
    [raw(0x85, 0, 1, 0, -7), '(85) call pc-7'],
    [raw(0x85, 0, 0, 0, 12), '(85) call bpf_tail_call#12'],
    [raw(0xc3, 2, 3, 8, 0x01), '(c3) r3 = atomic_fetch_add((u32 *)(r2 +8), r3)'],
    [raw(0xc3, 2, 3, -8, 0xe1), '(c3) r3 = atomic_xchg((u32 *)(r2 -8), r3)'],
    [raw(0xc3, 2, 3, 0, 0xf1), '(c3) r0 = atomic_cmpxchg((u32 *)(r2 +0), r0, r3)'],
    [raw(0xdb, 2, 3, 0, 0xa0), '(db) lock *(u64 *)(r2 +0) ^= r3'],
    [raw(0xd4, 1, 0, 0, 64), '(d4) r1 = le64 r1'],
    [raw(0x3c, 1, 2, 1, 0), '(3c) w1 s/= w2'],
    [raw(0x95, 0, 0, 0, 0), '(95) exit'],
  ];
  for (const [r, want] of cases) t.equal(formatInsnText(decodeOne(r)), want, want);
  // ld_imm64: pointer forms print 0x0 (as the kernel does without ptr leaks) unless the resolver says otherwise.
  const ldMap = decodeLdImm64(raw(0x18, 1, 1, 0, 5), raw(0, 0, 0, 0, 0));
  t.equal(formatInsnText(ldMap), '(18) r1 = 0x0');
  t.equal(formatInsnText(ldMap, 0, { ldImm64: () => 'map[id:5]' }), '(18) r1 = map[id:5]');
  t.equal(formatInsnText(decodeLdImm64(raw(0x18, 2, 0, 0, -1), raw(0, 0, 0, 0, -1))), '(18) r2 = 0xffffffffffffffff');
  // Unknown opcodes print what disasm.c prints for them.
  t.equal(formatInsnText(decodeOne(raw(0xe3, 0, 0, 0, 0))), 'BUG_e3');
  t.equal(formatInsnText(decodeOne(raw(0x21, 0, 0, 0, 0))), 'BUG_ldx_21');
});
