// --out DIR and the history file, on runs of the FAKE corpus (test/run/fakes.ts); and the
// `history` and `run` commands' argument and input errors (no VM needed for those).
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { writeOutDir, datedName } from '../../src/report/out.js';
import { changesBetween, formatHistory, historyEntry } from '../../src/history/history.js';
import { readHistory } from '../../src/history/store.js';
import { runCli } from '../../src/cli/main.js';
import { dir, fakeDeps } from '../run/fakes.js';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const w = { out: process.stdout.write, err: process.stderr.write };
  let out = '', err = '';
  process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try { return { code: await fn(), out, err }; } finally { process.stdout.write = w.out; process.stderr.write = w.err; }
}

const nightly = mkdtempSync(join(tmpdir(), 'bv-out-'));
const first = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o'), join(dir, 'corpus', 'b.o')] });
const second = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o'), join(dir, 'corpus', 'd.o')] });
second.startedAt = new Date(Date.parse(first.startedAt) + 1000).toISOString();

t.test('--out: a dated directory per run, one history line per run', async (t) => {
  const a = writeOutDir(nightly, first);
  const b = writeOutDir(nightly, second);
  t.not(a.runDir, b.runDir);
  t.equal(datedName('2026-11-25T12:58:36.123Z'), '2026-11-25T12-58-36Z');
  t.same(readdirSync(a.runDir).sort(), ['junit.xml', 'report.html', 'results.jsonl', 'results.tap', 'run.json', 'summary.txt']);
  const h = readHistory(nightly);
  t.equal(h.entries.length, 2);
  t.equal(h.entries[0]!.counts.crash, 1);
  const changes = changesBetween(h.entries[0]!, h.entries[1]!);
  t.same(changes.map((c) => `${c.program}:${c.from}->${c.to}`).sort(),
    ['after:model-differs->null', 'before:agree->null', 'boom:crash->null', 'declared:null->declared', 'outside:null->unsupported']);
  const text = formatHistory(h.entries);
  t.match(text, /^run \(UTC\)\s+kernels\s+agree\s+declared\s+model-differs\s+unsupported\s+crash\s+exit$/m);
  t.match(text, /b\.o:boom on debian:6\.12: crash -> \(absent\)/);
});

t.test('history command: table, --json with changes, --last, damaged lines', async (t) => {
  const table = await capture(() => runCli(['history', nightly]));
  t.equal(table.code, 0);
  t.match(table.out, /changes in the run of/);
  const json = await capture(() => runCli(['history', nightly, '--json', '--last', '1']));
  const lines = json.out.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 1);
  t.equal(lines[0].changes.length, 5, 'changes against the run before, even with --last 1');
  appendFileSync(join(nightly, 'history.jsonl'), '{"not": "an entry"}\n');
  const bad = await capture(() => runCli(['history', nightly]));
  t.equal(bad.code, 3);
  t.match(bad.err, /history\.jsonl: line 3 is not a history entry/);
  const skipped = await capture(() => runCli(['history', nightly, '--skip-bad']));
  t.equal(skipped.code, 0);
  t.match(skipped.err, /skipped damaged line\(s\) 3/);
  const none = await capture(() => runCli(['history', mkdtempSync(join(tmpdir(), 'bv-empty-'))]));
  t.equal(none.code, 3);
  t.match(none.err, /no history\.jsonl here[\s\S]*hint: write one with: bpf-verdict run --out DIR/);
  t.equal((await capture(() => runCli(['history']))).code, 2);
});

t.test('run command: usage and configuration errors before any kernel work', async (t) => {
  const both = await capture(() => runCli(['run', '--json', '--tap']));
  t.equal(both.code, 2);
  t.match(both.err, /--json and --tap both write to stdout/);
  const unknown = await capture(() => runCli(['run', '--frobnicate']));
  t.equal(unknown.code, 2);
  const cfg = join(mkdtempSync(join(tmpdir(), 'bv-cfg-')), 'bpf-verdict.yaml');
  writeFileSync(cfg, 'kernels: [debian:6.12]\nmemory: lots\n');
  const badCfg = await capture(() => runCli(['run', '--config', cfg]));
  t.equal(badCfg.code, 3);
  t.match(badCfg.err, /bpf-verdict\.yaml: line 2: memory must be an integer/);
  const help = await capture(() => runCli(['run', '--help']));
  t.equal(help.code, 0);
  t.match(help.out, /Examples:/);
  t.match(readFileSync(join(readHistory(nightly, { skipBad: true }).file), 'utf8'), /"startedAt"/);
});

t.test('history entries keep per-program outcomes', async (t) => {
  const e = historyEntry(first, 'x');
  t.equal(e.outcomes[`debian:6.12|${first.records.find((r) => r.program === 'boom')!.object}|boom`], 'crash');
});
