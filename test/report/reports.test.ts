// Every report format on one run of the FAKE corpus (test/run/fakes.ts: fake guest, fake model).
import t from 'tap';
import { join } from 'node:path';
import { Parser } from 'tap-parser';
import { runCorpusWith } from '../../src/run/runner.js';
import { recordJson } from '../../src/report/record.js';
import { formatSummary } from '../../src/report/summary.js';
import { formatTap } from '../../src/report/tap.js';
import { formatJunit } from '../../src/report/junit.js';
import { formatHtml } from '../../src/report/html.js';
import { jsonLines } from '../../src/report/out.js';
import { ProgressBar } from '../../src/report/progress.js';
import { OUTCOMES } from '../../src/compare/types.js';
import { dir, fakeDeps } from '../run/fakes.js';
import { findAll, parseXml } from './xml.js';

const events: Parameters<ProgressBar['handle']>[0][] = [];
const result = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], trace: true, onProgress: (e) => events.push(e) });
const nonGreen = result.records.filter((r) => r.outcome !== 'agree' && r.outcome !== 'declared').length;

t.test('--json: one object per program per line with the fields the issue fixes', async (t) => {
  const lines = jsonLines(result).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  t.equal(lines.length, result.records.length);
  for (const l of lines) {
    for (const k of ['object', 'program', 'outcome', 'expected', 'kernel', 'model']) t.ok(k in l, `has ${k}`);
    t.ok(OUTCOMES.includes(l.outcome));
    for (const side of [l.kernel, l.model]) for (const k of ['verdict', 'rule', 'message']) t.ok(k in side);
  }
  const reject = lines.find((l) => l.program === 'ok_reject')!;
  t.same([reject.kernel.verdict, reject.kernel.rule, reject.model.rule, reject.expected], ['reject', 'ref.unreleased', 'ref.unreleased', 'failure']);
  t.same(reject.messages, [{ pattern: 'Unreleased reference', regex: false, negative: false, status: 'matched', line: 1 }]);
  t.equal(lines.find((l) => l.program === 'boom')!.kernel.verdict, 'crash');
  t.equal(lines.find((l) => l.program === 'declared')!.outcome, 'declared');
  t.equal(recordJson(result.records.find((r) => r.program === 'after')!).model.state_at, 'R0=scalar()');
});

t.test('terminal summary: counts, then each difference with its evidence', async (t) => {
  const s = formatSummary(result);
  t.match(s, /^kernel debian:6\.12 \(6\.12\.0-fake\): 9 programs, \d+ guest boots/m);
  t.match(s, /^ {2}agree\s+3$/m);
  t.match(s, /^ {2}crash\s+1$/m);
  t.match(s, new RegExp(`Differences \\(${nonGreen}\\):`));
  t.match(s, /\[expectation-differs\] .*c\.o:wrong_decl/);
  t.match(s, /why: +the kernel rejects the program; it declares __success/);
  t.match(s, /kernel: +reject {2}ref\.unreleased {2}at insn 9/);
  t.match(s, /\[crash\] .*b\.o:boom[\s\S]*guest console \(tail\):[\s\S]*BUG: fake/);
  t.match(s, /\[loader-error\] .*broken\.c/);
  t.notMatch(s, /\[agree\]/, 'agreements are only counted');
  t.match(formatSummary(result, { color: true }), /\x1b\[31m\[model-differs\]\x1b\[0m/);
});

t.test('TAP 14 parses back: plan, failures, declared as TODO', async (t) => {
  const tap = formatTap(result);
  t.match(tap, /^TAP version 14\n1\.\.10\n/);
  const parsed = await new Promise<any>((resolve) => { const p = new Parser(resolve); p.end(tap); });
  t.equal(parsed.ok, false);
  t.equal(parsed.count, result.records.length);
  t.equal(parsed.fail - parsed.todo, nonGreen, 'tap-parser counts a TODO failure in fail');
  t.equal(parsed.todo, 1);
  t.equal(parsed.plan.end, result.records.length);
  const boom = parsed.failures.find((f: any) => /boom/.test(f.name));
  t.equal(boom.diag.outcome, 'crash');
  t.equal(boom.diag.kernel.verdict, 'crash');
});

t.test('TAP: an unusable kernel is a failing test point', async (t) => {
  const broken = await runCorpusWith(fakeDeps([]), { kernels: ['debian:0.0'], paths: [join(dir, 'corpus', 'a.o')] });
  const parsed = await new Promise<any>((resolve) => { const p = new Parser(resolve); p.end(formatTap(broken)); });
  t.equal(parsed.count, 1);
  t.equal(parsed.fail, 1);
  t.match(parsed.failures[0].name, /kernel debian:0\.0 could not be used/);
});

t.test('JUnit parses back as well-formed XML with the right counts', async (t) => {
  const x = parseXml(formatJunit(result));
  t.equal(x.name, 'testsuites');
  t.equal(Number(x.attrs.tests), result.records.length);
  const cases = findAll(x, 'testcase');
  t.equal(cases.length, result.records.length);
  t.equal(findAll(x, 'failure').length + findAll(x, 'error').length, nonGreen);
  t.equal(findAll(x, 'error').map((e) => e.attrs.type).sort().join(','), 'crash,loader-error,timeout');
  const wrong = cases.find((c) => c.attrs.name === 'wrong_decl')!;
  t.match(wrong.children[0]!.text, /declared: success/);
  // A kernel log with markup and control characters stays well-formed.
  const nasty = structuredClone(result);
  const r0 = nasty.records.find((r) => r.program === 'wrong_decl')!;
  if (r0.kernelSide.kind === 'result') r0.kernelSide.result.log = 'a < b && c > "d"\x01\x1b[0m ]]> </failure>';
  t.doesNotThrow(() => parseXml(formatJunit(nasty)));
});

t.test('HTML: self-contained, data embedded safely', async (t) => {
  const sources = { [result.records.find((r) => r.source)!.source!]: 'int f(void) { return nope; } /* </script><script>alert(1)</script> */' };
  const html = formatHtml({ result, sources });
  t.notMatch(html, /<(link|img|iframe)\b|src="http|href="http/, 'no external resources');
  t.equal(html.match(/<\/script>/g)!.length, 2, 'embedded data cannot close its script element');
  const data = JSON.parse(/<script id="data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!);
  t.equal(data.records.length, result.records.length);
  t.match(Object.values(data.sources)[0], /<\/script>/);
});

t.test('progress goes to stderr: a bar on a terminal, short lines otherwise', async (t) => {
  let tty = '';
  const bar = new ProgressBar({ write: (s: string) => (tty += s), isTTY: true, columns: 80 });
  events.forEach(bar.handle);
  bar.finish();
  t.match(tty, /\r\x1b\[Kload debian:6\.12 \[#+\.*\] \d+\/\d+/);
  let plain = '';
  const p = new ProgressBar({ write: (s: string) => (plain += s), isTTY: false });
  events.forEach(p.handle);
  t.notMatch(plain, /\r/);
  t.match(plain, /load debian:6\.12: 4\/4 /);
  t.match(plain, /guest crash .*retrying/);
});
