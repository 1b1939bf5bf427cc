// `bpf-verdict merge` through the real CLI entry, on --json shards of a run with FAKE guests
// (test/run/fakes.ts, labelled as such): exit codes as `run`, reports written, bad input refused.
import t from 'tap';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCorpusWith } from '../../../src/run/runner.js';
import { jsonLines } from '../../../src/report/out.js';
import { dir, fakeDeps } from '../../run/fakes.js';

const bin = join(process.cwd(), 'bin/bpf-verdict.js');
const bv = (args: string[]) => execa('node', [bin, ...args], { reject: false });
const tmp = mkdtempSync(join(tmpdir(), 'bv-merge-cli-'));
const opts = { kernels: ['debian:6.12'], guests: 1 };
const shard = async (paths: string[], name: string) => {
  const f = join(tmp, name);
  writeFileSync(f, jsonLines(await runCorpusWith(fakeDeps([]), { ...opts, paths })));
  return f;
};
const green = await shard([join(dir, 'corpus', 'a.o')], 'green.jsonl');
const red = await shard([join(dir, 'corpus', 'b.o')], 'red.jsonl');

t.test('--help has examples and exits 0', async (t) => {
  const r = await bv(['merge', '--help']);
  t.equal(r.exitCode, 0);
  t.match(r.stdout, /Examples:\n {2}bpf-verdict run --shard 1\/2/);
});

t.test('exit codes as run: 0 all green, 1 differences; reports written', async (t) => {
  t.equal((await bv(['merge', green])).exitCode, 0);
  const html = join(tmp, 'r.html');
  const junit = join(tmp, 'j.xml');
  const r = await bv(['merge', green, red, '--html', html, '--junit', junit, '--out', join(tmp, 'out')]);
  t.equal(r.exitCode, 1);
  t.match(r.stdout, /5 results/);
  t.match(readFileSync(junit, 'utf8'), /tests="5"/);
  t.ok(existsSync(html));
  t.ok(existsSync(join(tmp, 'out', 'history.jsonl')));
  t.equal((await bv(['merge', join(tmp, 'out')])).exitCode, 1, 'an --out directory is an input too');
});

t.test('refusals: usage 2, unreadable or duplicate input 3', async (t) => {
  t.equal((await bv(['merge'])).exitCode, 2);
  t.equal((await bv(['merge', green, '--json', '--tap'])).exitCode, 2);
  const dup = await bv(['merge', green, green]);
  t.equal(dup.exitCode, 3);
  t.match(dup.stderr, /green\.jsonl: .*ok_accept on debian:6\.12 is also in .*green\.jsonl/);
  t.notMatch(dup.stderr, /\n\s+at /, 'no stack trace');
});
