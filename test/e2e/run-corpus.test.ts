// The whole corpus (programs/, per bpf-verdict.yaml) on the real default kernel (Debian's 6.12 in
// QEMU) and the model: every program must agree, or declare its difference (__model_differs).
import t from 'tap';
import { execa } from 'execa';
import { join } from 'node:path';

const root = process.cwd();
const run = await execa('node', [join(root, 'bin', 'bpf-verdict.js'), 'run', '--json'], { cwd: root, reject: false, timeout: 40 * 60_000 });
t.comment(run.stderr.split('\n').slice(-12).join('\n'));
const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

t.test('the corpus ran', async (t) => {
  t.ok(lines.length >= 100, `${lines.length} programs`);
  t.ok(lines.every((l) => l.kernel_spec === 'debian:6.12'));
});

t.test('every program agrees or is declared (exit code 0)', async (t) => {
  const bad = lines.filter((l) => l.outcome !== 'agree' && l.outcome !== 'declared');
  t.same(bad.map((l) => `${l.outcome} ${l.object}:${l.program} ${l.reasons[0]?.split('\n')[0] ?? ''}`), [],
    'differences (run `bpf-verdict run` for the evidence)');
  t.equal(run.exitCode, 0);
});
