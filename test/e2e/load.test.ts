// End to end, all real: Debian's 6.12 kernel in QEMU, our guest image and agent, the
// libbpf addon, and graph programs compiled here with clang-19 against that kernel's own
// vmlinux.h. One VM serves the whole file; the CLI part boots its own.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseToolsChoice, resolveKernelWithTools } from '../../vm/tools.js';
import { GuestVm } from '../../vm/vm.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { compileFixtures } from '../fixtures/harness/compile.js';
import type { KernelResult } from '../../src/shared/verdict.js';

// As the CLI resolves it: with the 6.12 line's own libbpf and bpftool (linux-source-6.12's tools/).
const kernel = await resolveKernelWithTools('debian:6.12', parseToolsChoice(undefined));
const vm = await GuestVm.boot({ kernel });
t.teardown(() => vm.shutdown());
const header = await vmlinuxHeaderFor(kernel, { vm });
const objs = await compileFixtures(header, ['graph', 'big_log', 'missing_kfunc']);
const load = async (name: string, programs?: string[]) => vm.loadObject(await readFile(objs[name]!), { object: objs[name]!, programs });
const byName = (rs: KernelResult[]) => Object.fromEntries(rs.map((r) => [r.program, r]));

t.test('the guest is Debian 6.12 and its BTF is the one we compile against', async (t) => {
  t.match(vm.release, /^6\.12\.\d+\+deb12-amd64$/);
  const btf = await vm.readKernelBtf();
  t.equal(btf.length, vm.btfSize);
  t.same([...btf.subarray(0, 2)], [0x9f, 0xeb], 'BTF magic');
  t.match(await readFile(header, 'utf8'), /struct bpf_list_head \{/);
});

t.test('graph programs: one accepted, three rejected for three different ownership rules', async (t) => {
  const r = byName(await load('graph'));
  t.equal(r.push_locked!.verdict, 'accept');
  t.equal(r.push_locked!.errno, 0);
  t.equal(r.push_locked!.section, 'tc');

  t.equal(r.push_without_lock!.verdict, 'reject');
  t.equal(r.push_without_lock!.message, 'bpf_spin_lock at off=0 must be held for bpf_list_head');

  t.equal(r.use_after_unlock!.verdict, 'reject');
  t.match(r.use_after_unlock!.message, /^R\d+ invalid mem access 'scalar'$/);
  t.equal(r.use_after_unlock!.errno, 13, 'EACCES');

  t.equal(r.leak_at_exit!.verdict, 'reject');
  t.match(r.leak_at_exit!.message, /^Unreleased reference id=\d+ alloc_insn=\d+$/);

  for (const p of Object.values(r)) {
    t.ok(p.stats?.insnsProcessed && p.stats.insnsProcessed > 0, `${p.program}: processed-insns figure`);
    t.ok(p.stats?.verificationUs !== undefined, `${p.program}: verification time`);
  }
  t.match(r.push_without_lock!.log, /call bpf_list_push_front_impl#\d+/, 'the whole log, in the verifier\'s instruction syntax');
});

t.test('programs can be picked by name, and the verdict does not depend on the batch', async (t) => {
  const [only] = await load('graph', ['leak_at_exit']);
  t.equal(only!.program, 'leak_at_exit');
  t.equal(only!.verdict, 'reject');
  t.match(only!.message, /^Unreleased reference/);
});

t.test('a verifier log bigger than the buffer: still reported accepted', async (t) => {
  // Plain bpf_object__load with the whole log: the log overflows (-ENOSPC) and is loaded again bigger.
  const [r] = await vm.loadObject(await readFile(objs.big_log!), { object: objs.big_log!, strategy: 'object-load' });
  t.equal(r!.verdict, 'accept');
  t.equal(r!.errno, 0);
  t.match(r!.libbpfLog, /overflowed/, 'the first load really hit -ENOSPC');
  t.ok(r!.stats!.insnsProcessed! > 10000);
  // Prepared once, statistics-only first (the default): accepted without the overflow, and the same
  // log, which for an accepted program at level 1 is its statistics.
  const [fast] = await load('big_log');
  t.equal(fast!.verdict, 'accept');
  t.equal(fast!.errno, 0);
  const unclocked = (log: string) => log.replace(/^verification time \d+ usec$/m, 'verification time N usec');
  t.equal(unclocked(fast!.log), unclocked(r!.log), 'the log a plain load with a big enough buffer gives');
  t.equal(fast!.stats!.insnsProcessed, r!.stats!.insnsProcessed);
});

t.test('a kfunc the kernel lacks is a loader-error, not a reject', async (t) => {
  const [r] = await load('missing_kfunc');
  t.equal(r!.verdict, 'loader-error');
  t.match(r!.message, /bpf_verdict_no_such_kfunc/);
  t.not(r!.errno, 0);
});

t.test('bytes libbpf cannot open: a loader-error for the object; the VM keeps serving', async (t) => {
  const rs = await vm.loadObject(new TextEncoder().encode('\x7fELF but not really an object file'), { object: 'junk.o' });
  t.equal(rs.length, 1);
  t.equal(rs[0]!.verdict, 'loader-error');
  t.equal(rs[0]!.program, '(object)');
  const [again] = await load('graph', ['push_locked']);
  t.equal(again!.verdict, 'accept');
});

t.test('CLI: bpf-verdict btf prints the cached vmlinux.h without booting again', async (t) => {
  const bin = join(process.cwd(), 'bin', 'bpf-verdict.js');
  const r = await execa('node', [bin, 'btf', '--kernel', 'debian:6.12'], { reject: false });
  t.equal(r.exitCode, 0, r.stderr);
  t.equal(r.stdout.trim(), header);
  t.notMatch(r.stderr, /booting/, 'cached per kernel: no VM');
});

t.test('CLI: bpf-verdict load --json prints one object per program; the table form too', async (t) => {
  const bin = join(process.cwd(), 'bin', 'bpf-verdict.js');
  const json = await execa('node', [bin, 'load', '--kernel', 'debian:6.12', objs.graph!, objs.missing_kfunc!, '--json'], { reject: false });
  t.equal(json.exitCode, 0, json.stderr);
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as KernelResult);
  t.same(rows.map((r) => [r.program, r.verdict]), [
    ['push_locked', 'accept'], ['push_without_lock', 'reject'], ['use_after_unlock', 'reject'], ['leak_at_exit', 'reject'], ['calls_missing_kfunc', 'loader-error'],
  ]);
  for (const r of rows) {
    for (const k of ['object', 'program', 'section', 'verdict', 'errno', 'message', 'log'] as const) t.ok(k in r, `${r.program} has ${k}`);
  }
  t.match(json.stderr, /guest ready/, 'progress goes to stderr');
});
