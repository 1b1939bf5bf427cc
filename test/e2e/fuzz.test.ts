// `bpf-verdict fuzz` for real: Debian's 6.12 kernel in QEMU, clang-19, the line's libbpf, the real
// generator, renderer and model. (1) The CLI fuzzes a few dozen programs: the kernel must have
// accepted some and rejected some, every program must have been judged by kernel and model, the
// summary on stdout and summary.json must agree, the exit code must match the findings. (2) A
// campaign whose batch holds a known model difference (test/fixtures/fuzz/ref-id-6.12.json: a
// generated program, seed 11 program 2943 of the generator of 2026-11-29, where the model numbers
// references differently from 6.12 in "Unreleased reference id=N"; recorded on
// 6.12.117+deb12-amd64) next to generated programs must find it, shrink it on the kernel, and write
// a C file that `bpf-verdict run` compiles, loads and reports `declared`. When the model stops
// differing there, (2) fails: record another known difference in the fixture.
import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { KERNEL_612 } from './kernels.js';
import { runCampaign } from '../../src/fuzz/campaign.js';
import { openTarget } from '../../src/fuzz/target.js';
import { generate } from '../../src/fuzz/gen/index.js';
import { renderObject } from '../../src/fuzz/render.js';
import { realAnalysisBackend, realKernelBackend } from '../../src/run/real.js';
import type { FuzzBatch, Generate } from '../../src/fuzz/types.js';

const bin = join(process.cwd(), 'bin', 'bpf-verdict.js');

t.test('the CLI fuzzes a few dozen programs on the real kernel', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'fuzz-e2e-'));
  const r = await execa('node', [bin, 'fuzz', '--kernel', KERNEL_612, '--seed', '5', '--count', '48', '--per-object', '24', '--out', out, '--json'],
    { reject: false, timeout: 15 * 60_000 });
  t.ok(r.exitCode === 0 || r.exitCode === 1, `exit ${r.exitCode}`, { stderr: r.stderr.slice(-2000) });
  const j = JSON.parse(r.stdout);
  t.same(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), j, 'summary.json is what --json printed');
  t.equal(j.programs, 48);
  t.equal(j.seed, 5);
  const k = j.kernels[0];
  t.match(k.release, /^6\.12\./, 'the guest ran 6.12');
  t.equal(k.boots, 1, 'one guest for the whole campaign');
  t.ok(k.stats.kernelAccepts > 0, `the kernel accepted ${k.stats.kernelAccepts}`);
  t.ok(k.stats.kernelRejects > 0, `the kernel rejected ${k.stats.kernelRejects}`);
  t.equal(k.stats.kernelAccepts + k.stats.kernelRejects + k.stats.compileErrors + k.stats.loaderErrors, 48);
  t.ok(k.stats.compileErrors < 5, 'generated programs compile');
  t.ok(k.stats.comparable > 40, 'the model judged nearly all of them (the 6.12 profile states the graph rules)');
  t.ok(Object.keys(k.coverage.kernel).filter((id) => id.startsWith('graph.')).length >= 3, `graph rules reached: ${Object.keys(k.coverage.kernel).join(', ')}`);
  t.ok(k.coverage.unreachedGraph.length > 0 && !k.coverage.unreachedGraph.some((id: string) => id in k.coverage.kernel));
  t.ok(k.ms.load > 0 && k.ms.compile > 0 && k.ms.verify > 0);
  t.equal(r.exitCode, j.findings.length ? 1 : 0, 'exit 1 exactly when there are findings');
  t.match(r.stderr, /bpf-verdict fuzz: seed 5; findings in /);
  t.match(r.stderr, /48 programs \(/);
});

t.test('a known model difference is found, shrunk on the kernel, and written as a corpus program that `run` declares', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'fuzz-e2e-find-'));
  const scratch = mkdtempSync(join(tmpdir(), 'fuzz-e2e-scratch-'));
  const known = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'fuzz', 'ref-id-6.12.json'), 'utf8')) as FuzzBatch;
  // the known program among a dozen generated ones (the same shapes, other names)
  const withKnown: Generate = (o) => {
    const b = generate({ ...o, count: o.count - 1 });
    return { programs: [...b.programs, ...known.programs], decls: { ...b.decls, ...known.decls } };
  };
  const deps = { kernel: realKernelBackend, analysis: realAnalysisBackend };
  const r = await runCampaign({
    open: (spec) => openTarget(deps, { spec, memoryMb: 1024, cpus: 1, bootTimeoutSec: 300, loadTimeoutSec: 300, dir: scratch, render: renderObject }),
    generate: withKnown, render: renderObject,
  }, { kernels: [KERNEL_612], seed: 3, count: 12, perObject: 12, out });
  const f = r.findings.find((x) => x.program === 'f_11_2943');
  t.ok(f, `the known difference is found (findings: ${JSON.stringify(r.findings.map((x) => [x.program, x.kind]))})`);
  if (!f) return;
  t.match(f, { kind: 'message', kernel: { verdict: 'reject', rule: 'ref.unreleased' }, model: { verdict: 'reject', rule: 'ref.unreleased' } });
  t.ok(f.size < f.size_before, `shrunk on the kernel: ${f.size_before} -> ${f.size} statements in ${f.shrink_rounds} rounds`);
  t.equal(r.exitCode, 1);
  const file = join(out, f.file!);
  const c = readFileSync(file, 'utf8');
  t.match(c, /__failure\n__msg\("Unreleased reference id=\d+ alloc_insn=\d+"\)\n__model_differs\("model: reject ref\.unreleased/);
  const run = await execa('node', [bin, 'run', '--kernel', KERNEL_612, file, '--json'], { reject: false, timeout: 15 * 60_000 });
  const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.same(records.map((x) => [x.program, x.outcome]), [['f_11_2943', 'declared']], 'run compiles, loads and declares the finding', { stderr: run.stderr.slice(-2000) });
  t.equal(run.exitCode, 0);
  t.ok(readdirSync(out).includes('findings.jsonl'));
});

t.test('SIGINT: exit 130, the summary and findings file on disk, no QEMU left', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'fuzz-e2e-int-'));
  const tmp = mkdtempSync(join(tmpdir(), 'fuzz-e2e-int-tmp-'));
  const child = execa('node', [bin, 'fuzz', '--kernel', KERNEL_612, '--seed', '9', '--count', '100000', '--per-object', '8', '--out', out],
    { env: { TMPDIR: tmp }, reject: false, timeout: 15 * 60_000, forceKillAfterDelay: false });
  let stderr = '';
  let sent = false;
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (!sent && /\n16 programs \(/.test(stderr)) { sent = true; child.kill('SIGINT'); }
  });
  const r = await child;
  t.ok(sent, 'interrupted after the second object');
  t.equal(r.exitCode, 130, 'exit 130', { stderr: r.stderr.slice(-1500) });
  t.ok(readdirSync(out).includes('findings.jsonl'), 'findings.jsonl written (empty: no finding yet)');
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.interrupted, true);
  t.ok(s.programs >= 16 && s.programs < 100000, `${s.programs} programs before the interruption`);
  t.match(r.stdout, /interrupted/);
  const qemus = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((p) => {
    try { const c = readFileSync(`/proc/${p}/cmdline`, 'latin1'); return c.startsWith('qemu-system') && c.includes(tmp); } catch { return false; }
  });
  t.same(qemus, [], 'the guest is gone');
});
