// Programs written by others: the kernel's own BPF selftests for bpf_list, bpf_rbtree,
// bpf_refcount and local kptr stashing (tools/testing/selftests/bpf/progs in Debian's
// linux-source-6.12, fetched and cached by `bpf-verdict kernel fetch`). rbtree_fail.c and
// refcounted_kptr_fail.c are annotated with 6.12's bpf_misc.h (__failure, __msg with the "N="
// counter form): the run must read those annotations from the objects' BTF and the real 6.12
// kernel must do what its own selftests declare. On all of them the model must never give a wrong
// verdict (accept where the kernel rejects or the reverse); linked_list*.c use map-in-map
// (ARRAY_OF_MAPS), which the model follows.
import t from 'tap';
import { execa } from 'execa';
import { KERNEL_612 } from './kernels.js';
import { join } from 'node:path';

const root = process.cwd();
const cli = join(root, 'bin', 'bpf-verdict.js');
const fetched = await execa('node', [cli, 'kernel', 'fetch', 'debian-source:6.12'], { cwd: root, timeout: 20 * 60_000 });
const tree = fetched.stdout.trim().split('\n').at(-1)!;
const selftests = join(tree, 'tools/testing/selftests/bpf');
const ANNOTATED = ['rbtree_fail.c', 'refcounted_kptr_fail.c'];
const OTHERS = ['linked_list.c', 'linked_list_fail.c', 'rbtree.c', 'refcounted_kptr.c', 'local_kptr_stash.c', 'local_kptr_stash_fail.c'];
const files = [...ANNOTATED, ...OTHERS].map((f) => join(selftests, 'progs', f));

// 6.12's own selftests, on 6.12 (the default run also has 7.3)
const run = await execa('node', [cli, 'run', '--kernel', KERNEL_612, '--json', '-I', join(selftests, 'progs'), '-I', selftests, ...files],
  { cwd: root, reject: false, timeout: 30 * 60_000 });
t.comment(run.stderr.split('\n').slice(-6).join('\n'));
const all = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const lines = all.filter((l) => ANNOTATED.some((f) => l.object.endsWith(`/${f}`)));

t.test('every selftest program ran, with its annotations read from BTF', async (t) => {
  t.ok(lines.length >= 14, `${lines.length} programs`);
  t.notOk(lines.some((l) => l.program === null), 'every file compiled against the 6.12 vmlinux.h');
  t.ok(lines.every((l) => l.expected === 'failure' || l.expected === 'success'), 'each declares __success or __failure');
  const withMsgs = lines.filter((l) => l.messages?.length);
  t.ok(withMsgs.length >= 10, `${withMsgs.length} programs declare __msg (6.12's counter form)`);
  t.notOk(withMsgs.some((l) => l.messages.some((m: { pattern: string }) => /^\d+=/.test(m.pattern))), 'the counter is not part of the message');
});

t.test('the 6.12 kernel does what its own selftests declare', async (t) => {
  const bad = lines.filter((l) => ['expectation-differs', 'crash', 'timeout'].includes(l.outcome));
  t.same(bad.map((l) => `${l.outcome} ${l.program}: ${l.reasons[0]}`), []);
  // Messages matched in order, as test_loader matches them.
  const rejected = lines.filter((l) => l.kernel.verdict === 'reject' && l.messages);
  t.ok(rejected.length >= 10);
  t.ok(rejected.every((l) => l.messages.every((m: { status: string }) => m.status === 'matched')));
  t.comment(`outcomes: ${JSON.stringify(lines.reduce((c: Record<string, number>, l) => ({ ...c, [l.outcome]: (c[l.outcome] ?? 0) + 1 }), {}))}`);
});

t.test('the model never contradicts the kernel on the graph selftests', async (t) => {
  for (const f of OTHERS) t.ok(all.some((l) => l.object.endsWith(`/${f}`) && l.program !== null), `${f} compiled and ran`);
  const judged = (v: unknown): boolean => v === 'accept' || v === 'reject';
  const wrong = all.filter((l) => judged(l.kernel?.verdict) && judged(l.model?.verdict) && l.kernel.verdict !== l.model.verdict);
  t.same(wrong.map((l) => `${l.program}: kernel ${l.kernel.verdict}, model ${l.model.verdict} ${l.model.message ?? ''}`), [], 'no wrong verdict');
  t.same(all.filter((l) => l.outcome === 'model-differs').map((l) => `${l.program}: ${l.reasons[0]}`), [], 'no model-differs (rule, insn and message agree too)');
  const agree = all.filter((l) => l.outcome === 'agree').length;
  // measured on Debian 6.12.117 (2026-11-29): 172 of 177 agree; the rest are programs the model
  // calls unsupported (a kernel-object kptr, this_cpu_ptr) and sleepable programs whose attach
  // target the guest lacks (loader-error)
  t.ok(agree >= 172, `${agree} of ${all.length} agree`);
  t.comment(`all outcomes: ${JSON.stringify(all.reduce((c: Record<string, number>, l) => ({ ...c, [l.outcome]: (c[l.outcome] ?? 0) + 1 }), {}))}`);
});
