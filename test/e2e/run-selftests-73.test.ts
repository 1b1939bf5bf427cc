// Programs written by others, on Linux 7.3: the kernel's own BPF selftests for bpf_list, bpf_rbtree,
// bpf_refcount and local kptr stashing from Debian's linux-source-7.3
// (tools/testing/selftests/bpf/progs, fetched and cached by `bpf-verdict kernel fetch`), compiled
// against Debian 7.3.4's own vmlinux.h (written by the 7.3 tree's bpftool, kfunc prototypes
// included) and loaded by the 7.3 tree's libbpf. The *_fail.c files carry 7.x's bpf_misc.h
// annotations (ordered `comment:<n>:` tags); the real 7.3.4 kernel must do what they declare, and
// the model, with the 7.3 profile's graph rules, must never give a wrong verdict.
//
// linked_list_fail.c and friends are checked by prog_tests/*.c with messages kept there, not as
// annotations: for those only kernel and model are compared.
//
// Measured on Debian 7.3.4 (2026-11-29), 224 programs in the 11 files, with
//   S=$(bpf-verdict kernel fetch debian-source:7.3)/tools/testing/selftests/bpf
//   node bin/bpf-verdict.js run --kernel debian:7.3 --json -I $S/progs -I $S -I $S/libarena/include $S/progs/<file>...
// 215 agree (96.0%: verdict, rule, instruction and message), 6 unsupported (2.7%: kernel-object
// kptr, bpf_this_cpu_ptr, bpf_res_spin_lock, and three loops whose walk passes the kernel's
// complexity limits in the model, which prunes without precision marks), 3 loader errors
// (sleepable programs whose attach target the guest lacks: -ESRCH), no wrong verdict; the kernel
// matched all 67 annotated programs (37 rejections with __msg, every message in order).
import t from 'tap';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { KERNEL_73 } from './kernels.js';
import { join } from 'node:path';

const root = process.cwd();
const cli = join(root, 'bin', 'bpf-verdict.js');
const fetched = await execa('node', [cli, 'kernel', 'fetch', 'debian-source:7.3'], { cwd: root, timeout: 20 * 60_000 });
const tree = fetched.stdout.trim().split('\n').at(-1)!;
const selftests = join(tree, 'tools/testing/selftests/bpf');
const FILES = [
  'linked_list.c', 'linked_list_fail.c', 'linked_list_peek.c',
  'rbtree.c', 'rbtree_fail.c', 'rbtree_search.c', 'rbtree_search_kptr.c',
  'refcounted_kptr.c', 'refcounted_kptr_fail.c',
  'local_kptr_stash.c', 'local_kptr_stash_fail.c',
];
const files = FILES.map((f) => join(selftests, 'progs', f));

// bpf_experimental.h includes libarena's bpf_may_goto.h (can_loop) in 7.x
const includes = [join(selftests, 'progs'), selftests, join(selftests, 'libarena/include')].flatMap((d) => ['-I', d]);
const run = await execa('node', [cli, 'run', '--kernel', KERNEL_73, '--json', ...includes, ...files],
  { cwd: root, reject: false, timeout: 30 * 60_000 });
t.comment(run.stderr.split('\n').slice(-6).join('\n'));
const all = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const count = (ls: Record<string, any>[]) => ls.reduce((c: Record<string, number>, l) => ({ ...c, [l.outcome]: (c[l.outcome] ?? 0) + 1 }), {});

t.test('every 7.3 graph selftest file is in the tree and compiled against 7.3.4\'s vmlinux.h', async (t) => {
  for (const f of files) t.ok(existsSync(f), f);
  for (const f of FILES) t.ok(all.some((l) => l.object.endsWith(`/${f}`) && l.program !== null), `${f} compiled and ran`);
  t.ok(all.length >= 150, `${all.length} programs`);
  t.ok(all.every((l) => l.kernel_spec === KERNEL_73));
});

t.test('the 7.3.4 kernel does what its own selftests declare', async (t) => {
  const annotated = all.filter((l) => l.expected === 'failure' || l.expected === 'success');
  t.ok(annotated.length >= 60, `${annotated.length} programs declare __success or __failure`);
  t.same(annotated.filter((l) => l.kernel.verdict !== (l.expected === 'success' ? 'accept' : 'reject') && l.kernel.verdict !== 'loader-error')
    .map((l) => `${l.program}: ${l.kernel.verdict}, declared ${l.expected}`), []);
  t.same(all.filter((l) => ['expectation-differs', 'crash', 'timeout'].includes(l.outcome)).map((l) => `${l.outcome} ${l.program}: ${l.reasons[0]}`), []);
  const rejected = all.filter((l) => l.kernel.verdict === 'reject' && l.messages?.length);
  t.ok(rejected.length >= 30, `${rejected.length} rejections with declared messages`);
  t.ok(rejected.every((l) => l.messages.every((m: { status: string }) => m.status === 'matched')), 'each declared message matched, in order');
});

t.test('the model with the 7.3 profile never contradicts the 7.3.4 kernel', async (t) => {
  const judged = (v: unknown): boolean => v === 'accept' || v === 'reject';
  const wrong = all.filter((l) => judged(l.kernel?.verdict) && judged(l.model?.verdict) && l.kernel.verdict !== l.model.verdict);
  t.same(wrong.map((l) => `${l.program}: kernel ${l.kernel.verdict}, model ${l.model.verdict} ${l.model.message ?? ''}`), [], 'no wrong verdict');
  t.same(all.filter((l) => l.model?.rule === 'model.unsupported.profile').map((l) => l.program), [], 'no answer for want of the 7.3 graph rules');
  const agree = all.filter((l) => l.outcome === 'agree').length;
  const unsupported = all.filter((l) => l.outcome === 'unsupported').length;
  t.ok(agree >= Math.ceil(0.95 * all.length), `${agree} of ${all.length} agree (verdict, rule, instruction and message)`);
  t.ok(unsupported <= Math.floor(0.05 * all.length), `${unsupported} of ${all.length} unsupported`);
  t.comment(`all outcomes: ${JSON.stringify(count(all))}`);
});
