// `bpf-verdict run` for real (QEMU, Debian's 6.12, clang-19, the libbpf addon, the model) on the
// deliberately wrong fixtures in test/run/fixtures plus one corpus file, with every report format
// parsed back: TAP 14, JUnit, JSON lines (--out), the HTML page in headless Chromium, history.
import t from 'tap';
import { execa } from 'execa';
import { KERNEL_612 } from './kernels.js';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'tap-parser';
import { findAll, parseXml } from '../report/xml.js';
import { decodePng, distinctColours } from '../report/png.js';
import { dumpDom, screenshot } from '../report/chromium.js';

const root = process.cwd();
const cli = join(root, 'bin', 'bpf-verdict.js');
const out = mkdtempSync(join(tmpdir(), 'bv-e2e-run-'));
const junit = join(out, 'junit.xml');
const html = join(out, 'report.html');
const nightly = join(out, 'nightly');

// one kernel is enough for the report formats (the default run also has 7.3)
const run = await execa('node', [cli, 'run', '--kernel', KERNEL_612, '--tap', '--junit', junit, '--html', html, '--out', nightly,
  'test/run/fixtures', 'programs/alloc/leak.c'], { cwd: root, reject: false, timeout: 30 * 60_000 });
t.comment(run.stderr.split('\n').slice(-8).join('\n'));

t.test('exit code 1: differences found', async (t) => {
  t.equal(run.exitCode, 1, run.stderr.slice(-2000));
});

const tap = await new Promise<any>((resolve) => { const p = new Parser(resolve); p.end(run.stdout); });
const points = new Map<string, any>();
await new Promise<void>((resolve) => {
  const p = new Parser();
  p.on('assert', (a: any) => points.set(a.name.replace(/^debian:6\.12 /, ''), a));
  p.on('complete', () => resolve());
  p.end(run.stdout);
});

t.test('TAP 14 on stdout parses back, with the deliberate mistakes as failures', async (t) => {
  t.match(run.stdout, /^TAP version 14\n1\.\.\d+\n/);
  t.equal(tap.ok, false);
  t.equal(tap.count, tap.plan.end);
  const leak = points.get('test/run/fixtures/declared_wrong.c:fixture_leak_declared_success');
  t.equal(leak?.ok, false);
  t.equal(leak?.diag?.outcome, 'expectation-differs');
  t.equal(leak?.diag?.kernel?.verdict, 'reject');
  const msg = points.get('test/run/fixtures/declared_wrong.c:fixture_wrong_message');
  t.equal(msg?.diag?.outcome, 'expectation-differs');
  t.same(msg?.diag?.messages, ["matched 'Unreleased reference id='", "expected 'this text is not in any verifier log'"]);
  t.equal(points.get('test/run/fixtures/declared_wrong.c:fixture_agrees')?.ok, true);
  const broken = points.get('test/run/fixtures/does_not_compile.c');
  t.equal(broken?.diag?.outcome, 'loader-error');
  t.match(broken?.diag?.reasons?.[0], /does not compile: .*does_not_compile\.c:\d+:\d+: error: use of undeclared identifier 'undeclared_variable_in_fixture'/);
  // The rest still ran: every program of the real corpus file agrees.
  const leakC = [...points.entries()].filter(([n]) => n.startsWith('programs/alloc/leak.c:'));
  t.ok(leakC.length >= 3, `${leakC.length} programs from programs/alloc/leak.c`);
  t.ok(leakC.every(([, a]) => a.ok), 'programs/alloc/leak.c agrees');
});

t.test('JUnit parses back', async (t) => {
  const x = parseXml(readFileSync(junit, 'utf8'));
  t.equal(Number(x.attrs.tests), tap.count);
  const failures = findAll(x, 'failure');
  t.ok(failures.some((f) => f.attrs.type === 'expectation-differs' && /declares __success/.test(f.attrs.message ?? '')));
  t.ok(findAll(x, 'error').some((e) => e.attrs.type === 'loader-error'));
});

t.test('--out: dated directory with every report, and the history line', async (t) => {
  const dirs = readdirSync(nightly).filter((d) => /^\d{4}-\d\d-\d\dT/.test(d));
  t.equal(dirs.length, 1);
  const runDir = join(nightly, dirs[0]!);
  t.same(readdirSync(runDir).sort(), ['junit.xml', 'report.html', 'results.jsonl', 'results.tap', 'run.json', 'summary.txt']);
  const lines = readFileSync(join(runDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, tap.count);
  const leak = lines.find((l) => l.program === 'fixture_leak_declared_success');
  t.same({ outcome: leak.outcome, expected: leak.expected, kernel: leak.kernel.verdict, rule: leak.kernel.rule },
    { outcome: 'expectation-differs', expected: 'success', kernel: 'reject', rule: leak.model.rule });
  t.match(leak.kernel.log, /Unreleased reference id=\d+ alloc_insn=\d+/, 'the full log is in the report');
  t.match(readFileSync(join(runDir, 'summary.txt'), 'utf8'), /\[expectation-differs\] test\/run\/fixtures\/declared_wrong\.c:fixture_wrong_message/);
  const hist = await execa('node', [cli, 'history', nightly], { cwd: root });
  t.match(hist.stdout, /^run \(UTC\)/);
  t.match(hist.stdout, /debian:6\.12\s+\d+\s/);
});

t.test('the HTML page renders in headless Chromium and shows the difference rows', async (t) => {
  const dom = await dumpDom(html);
  t.match(dom, /<span class="badge o-expectation-differs" data-outcome="expectation-differs">expectation-differs<\/span>/);
  t.match(dom, /fixture_leak_declared_success/);
  t.match(dom, /<section id="details">/);
  const png = join(out, 'report.png');
  await screenshot(html, png, 1280, 800);
  const img = decodePng(readFileSync(png));
  t.same([img.width, img.height], [1280, 800]);
  t.ok(statSync(png).size > 10_000);
  t.ok(distinctColours(img) > 20, 'not blank');
  t.comment(`screenshot: ${png}`);
});
