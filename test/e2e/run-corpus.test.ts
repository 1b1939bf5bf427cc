// The whole corpus (programs/, per bpf-verdict.yaml) on the real default kernels (Debian's 6.12 and
// 7.3.4 in QEMU) and the model: every program must agree, or declare its difference, on both.
import t from 'tap';
import { execa } from 'execa';
import { join } from 'node:path';
import { DEFAULT_KERNELS, KERNEL_612, KERNEL_73 } from './kernels.js';

const root = process.cwd();
const run = await execa('node', [join(root, 'bin', 'bpf-verdict.js'), 'run', '--json'], { cwd: root, reject: false, timeout: 60 * 60_000 });
t.comment(run.stderr.split('\n').slice(-12).join('\n'));
const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const on = (spec: string, object: string, program: string) =>
  lines.find((l) => l.kernel_spec === spec && l.object === object && l.program === program);

t.test('the corpus ran on both kernels of the default run', async (t) => {
  t.same(DEFAULT_KERNELS, [KERNEL_612, KERNEL_73]);
  for (const k of DEFAULT_KERNELS) t.ok(lines.filter((l) => l.kernel_spec === k).length >= 100, `${k}: ${lines.filter((l) => l.kernel_spec === k).length} programs`);
  t.ok(lines.every((l) => DEFAULT_KERNELS.includes(l.kernel_spec)));
});

t.test('every program agrees or is declared (exit code 0)', async (t) => {
  const bad = lines.filter((l) => l.outcome !== 'agree' && l.outcome !== 'declared');
  t.same(bad.map((l) => `${l.outcome} ${l.kernel_spec} ${l.object}:${l.program} ${l.reasons[0]?.split('\n')[0] ?? ''}`), [],
    'differences (run `bpf-verdict run` for the evidence)');
  t.equal(run.exitCode, 0);
});

t.test('each kernel was held to its own line\'s declaration', async (t) => {
  // a check 7.3 relaxed: rejected by 6.12, accepted by 7.3.4, both as declared
  const a = on(KERNEL_612, 'programs/kptr/stash.c', 'stash_under_lock');
  const b = on(KERNEL_73, 'programs/kptr/stash.c', 'stash_under_lock');
  t.same([a?.kernel.verdict, a?.expected, a?.expected_for], ['reject', 'failure', null]);
  t.same([b?.kernel.verdict, b?.expected, b?.expected_for], ['accept', 'success', '7.3-']);
  // a message 7.3 reworded: each kernel's own text matched
  const m612 = on(KERNEL_612, 'programs/refcount/acquire.c', 'acquire_after_drop');
  const m73 = on(KERNEL_73, 'programs/refcount/acquire.c', 'acquire_after_drop');
  t.same(m612?.messages?.map((m: any) => `${m.status} ${m.pattern}`), ['matched arg#0 is neither owning or non-owning ref']);
  t.same(m73?.messages?.map((m: any) => `${m.status} ${m.pattern}`), ['matched R1 is neither owning or non-owning ref']);
});

t.test('7.3.4: rejections carry their failure reports; accepted programs have no message', async (t) => {
  const leak = on(KERNEL_73, 'programs/alloc/leak.c', 'leak_simple');
  t.equal(leak?.kernel.message, 'BPF_EXIT instruction in main prog would lead to reference leak');
  t.equal(leak?.kernel.reports?.[0]?.problem, 'Unreleased resource');
  const accepted = lines.filter((l) => l.kernel.verdict === 'accept');
  t.ok(accepted.length > 100);
  t.same(accepted.filter((l) => l.kernel.message !== null).map((l) => `${l.kernel_spec} ${l.program}: ${l.kernel.message}`), []);
});

t.test('the 7.3 profile states the graph rules: no answer leans on a profile gap', async (t) => {
  t.same(lines.filter((l) => l.model?.rule === 'model.unsupported.profile').map((l) => `${l.kernel_spec} ${l.object}:${l.program}`), [],
    'no program answered unsupported for want of its line\'s graph rules');
  t.same(lines.filter((l) => l.reasons.some((r: string) => r.startsWith('declared in the configuration (profileGaps'))).map((l) => `${l.kernel_spec} ${l.program}`), []);
  const wrong = lines.filter((l) => l.kernel_spec === KERNEL_73 && ['accept', 'reject'].includes(l.model?.verdict) && l.model.verdict !== l.kernel.verdict);
  t.same(wrong.map((l) => `${l.object}:${l.program}`), [], 'on 7.3.4 every verdict the model gives is the kernel\'s');
});
