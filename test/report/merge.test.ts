// merge: shards of a run (FAKE run edges from test/run/fakes.ts, labelled as such) merged from
// their --json lines or --out directories give the records, order and exit code of one unsharded
// run; the same program twice is refused; missing shards are warned about.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import type { RunOptions, RunResult } from '../../src/run/types.js';
import { mergeRuns } from '../../src/report/merge.js';
import { readMergeInput } from '../../src/report/merge-read.js';
import { jsonLines, writeOutDir } from '../../src/report/out.js';
import { formatJunit } from '../../src/report/junit.js';
import { dir, fakeDeps } from '../run/fakes.js';

const base: RunOptions = { kernels: ['debian:6.12', 'debian:6.12-b'], paths: [join(dir, 'corpus')], guests: 1 };
const whole = await runCorpusWith(fakeDeps([]), base);
const shards: RunResult[] = [];
for (const index of [1, 2, 3]) shards.push(await runCorpusWith(fakeDeps([]), { ...base, shard: { index, count: 3 } }));
const tmp = mkdtempSync(join(tmpdir(), 'bv-merge-'));

t.test('the fake corpus is split: every shard has part of it', async (t) => {
  t.equal(shards.reduce((n, s) => n + s.records.length, 0), whole.records.length);
  t.ok(shards.filter((s) => s.records.length).length >= 2, 'at least two non-empty shards');
});

t.test('--json outputs merged: the same lines in the same order, the same exit code', async (t) => {
  const files = shards.map((s, i) => { const f = join(tmp, `s${i + 1}.jsonl`); writeFileSync(f, jsonLines(s)); return f; });
  const { result, warnings } = mergeRuns(files.reverse().map(readMergeInput));
  t.equal(jsonLines(result), jsonLines(whole));
  t.same(result.counts, whole.counts);
  t.equal(result.exitCode, whole.exitCode);
  t.same(warnings, [], 'JSON lines do not say which shard they are: nothing to check');
  const untimed = (x: string) => x.replace(/(time|timestamp)="[^"]*"/g, '');
  t.equal(untimed(formatJunit(result)), untimed(formatJunit(whole)), 'JUnit as one run');
});

t.test('--out directories merged: kernels summed, a missing shard warned about', async (t) => {
  const outs = shards.map((s, i) => { const d = join(tmp, `out${i + 1}`); writeOutDir(d, s); return d; });
  const all = mergeRuns(outs.map(readMergeInput));
  t.equal(jsonLines(all.result), jsonLines(whole));
  t.same(all.warnings, []);
  t.equal(all.result.kernels.length, 2);
  t.equal(all.result.kernels[0]!.boots, shards.reduce((n, s) => n + s.kernels[0]!.boots, 0), 'boots summed over shards');
  t.equal(all.result.kernels[0]!.release, '6.12.0-fake');
  const part = mergeRuns(outs.slice(0, 2).map(readMergeInput));
  t.match(part.warnings.join('\n'), /shard 3\/3 missing: this report covers part of the corpus/);
});

t.test('the same result twice is refused, naming both inputs', async (t) => {
  const f = join(tmp, 'whole.jsonl');
  writeFileSync(f, jsonLines(whole));
  t.throws(() => mergeRuns([readMergeInput(f), readMergeInput(f)]), /whole\.jsonl: .* on debian:6\.12 is also in .*whole\.jsonl/);
});

t.test('bad inputs name the file and line', async (t) => {
  const f = join(tmp, 'bad.jsonl');
  writeFileSync(f, jsonLines(whole) + '{"kernel_spec": "x"}\n');
  t.throws(() => readMergeInput(f), new RegExp(`bad\\.jsonl: line ${whole.records.length + 1} is not a bpf-verdict record \\(no "object"\\)`));
  t.throws(() => readMergeInput(tmp), /neither a run directory \(results\.jsonl\) nor an --out directory/);
});
