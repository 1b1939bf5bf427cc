// Programs written by others: the kernel's own BPF selftests for bpf_rbtree and bpf_refcount
// (tools/testing/selftests/bpf/progs in Debian's linux-source-6.12, fetched and cached by
// `bpf-verdict kernel fetch`), annotated with 6.12's bpf_misc.h (__failure, __msg with the
// "N=" counter form). The run must read those annotations from the objects' BTF and the real
// 6.12 kernel must do what its own selftests declare.
import t from 'tap';
import { execa } from 'execa';
import { join } from 'node:path';

const root = process.cwd();
const cli = join(root, 'bin', 'bpf-verdict.js');
const fetched = await execa('node', [cli, 'kernel', 'fetch', 'debian-source:6.12'], { cwd: root, timeout: 20 * 60_000 });
const tree = fetched.stdout.trim().split('\n').at(-1)!;
const selftests = join(tree, 'tools/testing/selftests/bpf');
const files = ['rbtree_fail.c', 'refcounted_kptr_fail.c'].map((f) => join(selftests, 'progs', f));

const run = await execa('node', [cli, 'run', '--json', '-I', join(selftests, 'progs'), '-I', selftests, ...files],
  { cwd: root, reject: false, timeout: 30 * 60_000 });
t.comment(run.stderr.split('\n').slice(-6).join('\n'));
const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

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
