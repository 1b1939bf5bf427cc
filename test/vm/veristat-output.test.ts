// Readers for veristat's output. The fixtures were printed by veristat of linux-source-7.3 (7.3.4,
// libbpf 1.8, vm/veristat-build.ts's compile line) on the host's Linux 6.18.44, for two corpus
// objects (programs/ stores and rbtree lock programs, compiled as `run` compiles them).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVeristatCsv, parseVeristatTable, parseVeristatVerbose, VeristatOutputError } from '../../vm/veristat-output.js';
import { veristatCompileArgs, veristatKey } from '../../vm/veristat-build.js';

const fixture = (f: string) => readFileSync(join(process.cwd(), 'test/fixtures/veristat', f), 'utf8');

t.test('CSV: one row per program, verdict, duration and processed instructions typed', async (t) => {
  const rows = parseVeristatCsv(fixture('csv.txt'));
  t.equal(rows.length, 9);
  const pop = rows.find((r) => r.program === 'pop_with_lock')!;
  t.match(pop, { file: 'rbtree_lock.o', verdict: 'success', insns: 32 });
  t.equal(typeof pop.durationUs, 'number');
  t.equal(pop.columns.prog_type, 'sched_cls');
  t.same(rows.filter((r) => r.verdict === 'failure').map((r) => r.program).sort(),
    ['pop_without_lock', 'push_other_entry', 'push_same_key_twice', 'spill_nonown_after_unlock', 'spill_use_after_drop', 'store_addr_as_stash']);
});

t.test('table: the same rows, columns cut at the dashed rule', async (t) => {
  const table = parseVeristatTable(fixture('table.txt'));
  const csv = parseVeristatCsv(fixture('csv.txt'));
  const key = (r: { file: string; program: string; verdict: string; insns: number }) => `${r.file} ${r.program} ${r.verdict} ${r.insns}`;
  t.same(table.map(key).sort(), csv.map(key).sort());
  t.equal(table.find((r) => r.program === 'store_addr_then_drop')!.columns['Jited size'], '142');
});

t.test('-v: one block per program with the whole verifier log, in either output format', async (t) => {
  const csv = parseVeristatVerbose(fixture('verbose-csv.txt'));
  t.same(csv.map((b) => b.program), ['spill_reload_drop', 'spill_use_after_drop', 'spill_nonown_after_unlock', 'store_addr_then_drop', 'store_addr_as_stash']);
  const accepted = csv[0]!;
  t.equal(accepted.path, 'stores.o');
  t.equal(accepted.log, 'verification time 119 usec\nstack depth 16\nprocessed 14 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n');
  const refused = csv[1]!;
  t.equal(refused.verdict, 'failure');
  t.match(refused.log, /^0: R1=ctx\(\) R10=fp0\n/);
  t.match(refused.log, /\n14: \(79\) r1 = \*\(u64 \*\)\(r1 \+0\)\nR1 invalid mem access 'scalar'\nverification time \d+ usec\n/);
  t.notMatch(csv.at(-1)!.log, /file_name/, 'the CSV after the last block is not part of its log');
  const table = parseVeristatVerbose(fixture('verbose-table.txt'));
  t.equal(table.length, 9);
  t.notOk(table.some((b) => /Processing '|^File /m.test(b.log)), "no 'Processing' line or table header inside a log");
  t.same(table.filter((b) => b.verdict === 'success').map((b) => b.program).sort(), ['pop_with_lock', 'spill_reload_drop', 'store_addr_then_drop']);
});

t.test('output that is not veristat\'s is an error with the evidence', async (t) => {
  t.throws(() => parseVeristatCsv('Failed to open x.o: -2\n'), VeristatOutputError);
  t.throws(() => parseVeristatTable('nothing here\n'), VeristatOutputError);
  t.throws(() => parseVeristatCsv('file_name,prog_name,verdict,duration,total_insns\na.o,p,maybe,1,2\n'), { name: 'VeristatOutputError', message: /maybe/ });
  t.same(parseVeristatVerbose('no blocks\n'), []);
});

t.test('build key and compile line', async (t) => {
  const k = veristatKey('int main;', '/c/tools/libbpf-1.8.0-x', 'gcc 12');
  t.match(k, /^[0-9a-f]{16}$/);
  t.not(veristatKey('int main; ', '/c/tools/libbpf-1.8.0-x', 'gcc 12'), k, 'the source is in the key');
  t.not(veristatKey('int main;', '/c/tools/libbpf-1.8.0-y', 'gcc 12'), k, 'the libbpf build is in the key');
  const args = veristatCompileArgs('/t', { includeDir: '/c/inc', libbpfArchive: '/c/libbpf.a' }, '/o/veristat');
  t.ok(args.includes('-static'), 'static: the guest image carries no libbpf');
  t.ok(args.indexOf('/c/libbpf.a') > args.indexOf('/t/tools/testing/selftests/bpf/veristat.c'), 'libbpf.a after the source that uses it');
  t.equal(args.indexOf('-I/c/inc') < args.indexOf('-I/t/tools/include'), true, "the build's libbpf headers before the tree's tools/include");
});
