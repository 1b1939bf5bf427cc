// End to end, all real, on Linux 7.3.4 in QEMU: the kernel's own libbpf and bpftool. libbpf 1.8 and
// bpftool 7.8 are built from the 7.3 tree's tools/, the guest image carries an addon linked
// statically against that libbpf, bpftool 7.8 writes a vmlinux.h with the kernel's kfunc
// prototypes, and a program in 7.x's own notation (bpf_list_front; bpf_obj_new with its implicit
// argument, no _impl) compiles against it, loads through libbpf 1.8 and is accepted.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { GuestVm } from '../../vm/vm.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../vm/tools.js';
import { compileFixtures } from '../fixtures/harness/compile.js';
import type { KernelResult } from '../../src/shared/verdict.js';
import { KERNEL_73, TOOLS_73 } from './kernel-73.js';


const progress = (m: string) => t.comment(m);
const kernel = await resolveKernelWithTools(KERNEL_73, parseToolsChoice(TOOLS_73), progress);
const vm = await GuestVm.boot({ kernel, onProgress: progress });
t.teardown(() => vm.shutdown());
const header = await vmlinuxHeaderFor(kernel, { vm });
const objs = await compileFixtures(header, ['list_front_7x']);
const byName = (rs: KernelResult[]) => Object.fromEntries(rs.map((r) => [r.program, r]));

t.test('the tools are the 7.3 tree\'s: libbpf 1.8.0 in the addon, bpftool 7.8.0 for vmlinux.h', async (t) => {
  t.match(vm.release, /^7\.3\.\d+/);
  t.match(kernel.tools?.libbpf, /^libbpf 1\.8\.0 \(tools\/lib\/bpf of /);
  t.equal(kernel.tools?.bpftool.version, '7.8.0');
  t.same(vm.libbpfFeatures, ['bpf_object__prepare', 'bpf_program__clone', 'verify_programs'], 'libbpf 1.8\'s prepare-once APIs, found in libbpf.a and compiled in');
  t.equal(kernel.tools?.note, undefined, 'no note: nothing stands in for the kernel\'s own tools');
  const h = await readFile(header, 'utf8');
  t.match(h, /\/\* BPF kfuncs \*\//, 'bpftool 7.8 writes kfunc prototypes');
  t.match(h, /^extern void \*bpf_obj_new\(u64 local_type_id__k\) __weak __ksym;$/m, 'bpf_obj_new without its implicit meta argument');
  t.match(h, /^extern struct bpf_list_node \*bpf_list_front\(struct bpf_list_head \*head\) __weak __ksym;$/m);
});

t.test('a 7.x-only graph kfunc program loads through libbpf 1.8 and is accepted; its unlocked twin is refused', async (t) => {
  const r = byName(await vm.loadObject(await readFile(objs.list_front_7x!), { object: objs.list_front_7x! }));
  t.equal(r.front_after_push!.verdict, 'accept', r.front_after_push!.log.split('\n').slice(-5).join('\n'));
  t.equal(r.front_after_push!.errno, 0);
  t.ok(r.front_after_push!.stats?.insnsProcessed, 'the verifier walked it');
  t.equal(r.front_without_lock!.verdict, 'reject');
  t.equal(r.front_without_lock!.errno, 22, 'EINVAL');
  // The log, not the message: reading 7.x logs' error line is log reading's business, tested there.
  t.match(r.front_without_lock!.log, /call bpf_list_front#\d+\nbpf_spin_lock at off=\d+ must be held for bpf_list_head\n/, 'refused at the bpf_list_front call');
  for (const p of Object.values(r)) t.match(p.libbpf, /^libbpf 1\.8\.0 \(tools\/lib\/bpf of /, `${p.program}: names the libbpf that loaded it`);
});

t.test('load --json names the libbpf version that loaded each program', async (t) => {
  const cli = await execa('node', ['bin/bpf-verdict.js', 'load', '--kernel', KERNEL_73, '--tools', TOOLS_73, objs.list_front_7x!, '--json'], { reject: false });
  t.equal(cli.exitCode, 0, cli.stderr);
  const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as KernelResult);
  t.same(lines.map((l) => [l.program, l.verdict]), [['front_after_push', 'accept'], ['front_without_lock', 'reject']]);
  for (const l of lines) t.match(l.libbpf, /^libbpf 1\.8\.0 \(tools\/lib\/bpf of /);
  t.match(cli.stderr, /libbpf 1\.8\.0/, 'the boot line names it too');
});
