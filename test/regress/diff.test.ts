// regress's pairing and flagging, on hand-written ProgramRecords (not from a real run: the real
// run is test/e2e/regress-demo.test.ts).
import t from 'tap';
import { regressRows, summarize, regressExitCode, changeOf } from '../../src/regress/diff.js';
import { formatTable, jsonLines, formatSummary } from '../../src/regress/format.js';
import { regressHtml } from '../../src/regress/html.js';
import type { ProgramRecord, RunResult } from '../../src/run/types.js';

type V = 'accept' | 'reject';
function rec(kernel: string, program: string, verdict: V, rule: string | null, message: string | null,
  model: { verdict: 'accept' | 'reject' | 'unsupported'; rule: string | null }, expected: 'success' | 'failure' | null): ProgramRecord {
  const modelAgrees = model.verdict === 'unsupported' ? null : model.verdict === verdict && (verdict === 'accept' || model.rule === rule);
  const expectationOk = expected === null ? null : (expected === 'success') === (verdict === 'accept');
  return {
    kernel, kernelId: kernel, profile: '6.12', object: 'programs/nonown/a.c', source: null, objectFile: null, program, section: 'tc',
    outcome: modelAgrees === false ? 'model-differs' : 'agree',
    expectation: { result: expected, messages: [], description: null, logLevel: null, retval: null, modelDiffers: null, auxiliary: false, ignored: [], problems: [], kernels: [], scope: null },
    kernelSide: { kind: 'result', class: { rule, message, insn: 3 },
      result: { object: 'a.o', program, section: 'tc', verdict, errno: verdict === 'accept' ? 0 : 13, message, log: `log of ${program} on ${kernel}\n` } },
    kernelClass: { rule, message, insn: 3 },
    model: { object: 'a.o', program, section: 'tc', verdict: model.verdict, rule: model.rule, insn: 3, message: null, ms: 1 },
    comparison: { outcome: 'agree', reasons: [], expectationOk, messages: null, modelAgrees, difference: null },
    insns: [],
  };
}

const SCALAR = "invalid mem access 'scalar'";
const base = 'src:/t', head = 'src:/t+p.patch';
function result(records: ProgramRecord[], error: string | null = null): RunResult {
  return { startedAt: '', durationMs: 0, records, counts: {} as RunResult['counts'], exitCode: 0,
    kernels: [base, head].map((spec) => ({ spec, id: spec, release: null, profile: null, profileNote: null, error: spec === head ? error : null, boots: 1,
      ms: { resolve: 0, build: 0, boot: 0, load: 0, model: 0 }, built: { compiled: 0, cached: 0, failed: 0 }, verificationUs: 0 })) };
}

const reject = { verdict: 'reject' as const, rule: 'nonown-after-unlock' };
const records = [
  // depends on the rule: base rejects like the model; head accepts -> changed, model disagrees, flagged
  rec(base, 'use_after_unlock', 'reject', 'nonown-after-unlock', SCALAR, reject, 'failure'),
  rec(head, 'use_after_unlock', 'accept', null, null, reject, 'failure'),
  // unaffected: accepted on both
  rec(base, 'push_ok', 'accept', null, null, { verdict: 'accept', rule: null }, 'success'),
  rec(head, 'push_ok', 'accept', null, null, { verdict: 'accept', rule: null }, 'success'),
  // a change the model agrees with (a fix): base wrongly accepted, head rejects like the model, nothing declared
  rec(base, 'fixed', 'accept', null, null, reject, null),
  rec(head, 'fixed', 'reject', 'nonown-after-unlock', SCALAR, reject, null),
  // the model cannot say: a change is reported but not flagged
  rec(base, 'odd', 'reject', 'r1', 'm1', { verdict: 'unsupported', rule: 'x' }, null),
  rec(head, 'odd', 'reject', 'r2', 'm2', { verdict: 'unsupported', rule: 'x' }, null),
];

t.test('rows pair base and head per program and mark changes against the model', async (t) => {
  const rows = regressRows(result(records), base, head);
  const by = Object.fromEntries(rows.map((r) => [r.program, r]));
  t.same(by.use_after_unlock!.base, { verdict: 'reject', rule: 'nonown-after-unlock', message: SCALAR });
  t.same(by.use_after_unlock!.head, { verdict: 'accept', rule: null, message: null });
  t.match(by.use_after_unlock!, { changed: true, change: 'reject->accept', model_agrees: false, expectation_ok: false, flagged: true });
  t.match(by.push_ok!, { changed: false, change: null, model_agrees: true, flagged: false });
  t.match(by.fixed!, { changed: true, change: 'accept->reject', model_agrees: true, flagged: false });
  t.match(by.odd!, { changed: true, change: 'rule', model_agrees: null, flagged: false });
  const s = summarize(rows);
  t.match(s, { programs: 4, changed: 3, flagged: 1, modelAgreesWithChange: 1 });
  t.equal(regressExitCode(result(records), rows), 1);
  t.equal(regressExitCode(result(records.filter((r) => r.program !== 'use_after_unlock')), regressRows(result(records.filter((r) => r.program !== 'use_after_unlock')), base, head)), 0);
  t.equal(regressExitCode(result(records, 'build failed'), rows), 3, 'an unusable kernel is exit 3');
});

t.test('a program missing on the head kernel is a flagged verdict change', async (t) => {
  const rows = regressRows(result(records.filter((r) => !(r.kernel === head && r.program === 'push_ok'))), base, head);
  t.match(rows.find((r) => r.program === 'push_ok'), { change: 'verdict', head: { verdict: 'missing' }, flagged: true });
});

t.test('changeOf: verdict first, then rule, then message', async (t) => {
  const s = (verdict: string, rule: string | null = null, message: string | null = null) => ({ verdict, rule, message });
  t.equal(changeOf(s('accept'), s('reject')), 'accept->reject');
  t.equal(changeOf(s('reject'), s('crash')), 'verdict');
  t.equal(changeOf(s('reject', 'a', 'm'), s('reject', 'b', 'm')), 'rule');
  t.equal(changeOf(s('reject', 'a', 'm'), s('reject', 'a', 'n')), 'message');
  t.equal(changeOf(s('reject', 'a', 'm'), s('reject', 'a', 'm')), null);
});

t.test('reports: JSON lines carry the promised fields; table lists changes; HTML escapes and has both logs', async (t) => {
  const res = result(records);
  const rows = regressRows(res, base, head);
  const lines = jsonLines(rows).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.equal(lines.length, 4);
  for (const l of lines) for (const k of ['object', 'program', 'base', 'head', 'changed', 'model_agrees']) t.ok(k in l, `${k} present`);
  const table = formatTable(rows);
  t.match(table, /use_after_unlock.*reject \(nonown-after-unlock\).*accept.*NO.*FLAGGED/);
  t.notMatch(table, /push_ok/, 'unchanged programs only with --all');
  t.match(formatTable(rows, { all: true }), /push_ok/);
  t.match(formatSummary(summarize(rows), base, head), /4 programs, 3 changed .*1 flagged/);
  const html = regressHtml({ base, head, rows, summary: summarize(rows), records, generatedAt: 'now' });
  t.match(html, /invalid mem access &#39;scalar&#39;/);
  t.match(html, /head kernel's verifier log<\/summary><pre>log of use_after_unlock on src:\/t\+p\.patch/);
  t.notMatch(html, /<script/);
});
