// The campaign with FAKE kernel targets (test/fuzz/fakes.ts): planted disagreements are found,
// shrunk, de-duplicated and written; compile errors cost only their program; counts, coverage,
// exit codes; two kernels give transitions; interruption keeps what was found.
import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampaign } from '../../src/fuzz/campaign.js';
import { renderObject } from '../../src/fuzz/render.js';
import { fakeGenerate, fakeTarget, LOCK_MSG } from './fakes.js';

const out = () => mkdtempSync(join(tmpdir(), 'fuzz-campaign-'));

t.test('finds the planted wrong accept, shrinks it, writes it once', async (t) => {
  const dir = out();
  const target = fakeTarget('debian:6.12');
  const r = await runCampaign({ open: async () => target, generate: fakeGenerate, render: renderObject },
    { kernels: ['debian:6.12'], seed: 7, count: 40, perObject: 8, out: dir });
  t.equal(r.programs, 40);
  t.equal(r.exitCode, 1);
  t.equal(r.findings.length, 1, 'six programs show it, one finding');
  const f = r.findings[0]!;
  t.match(f, { kind: 'wrong-accept', kernel_spec: 'debian:6.12', seed: 7, program: 'f_7_5', fault: 'graph-op-without-lock',
    kernel: { verdict: 'reject', rule: 'graph.root.lock_not_held', message: LOCK_MSG, insn: 3 }, model: { verdict: 'accept', rule: null } });
  t.equal(f.occurrences, 6, 'programs 5, 10, ..., 30 (0 does not compile, 35 is rejected by both)');
  t.ok(f.size < f.size_before && f.size <= 1, `shrunk ${f.size_before} -> ${f.size}`);
  const lines = readFileSync(join(dir, 'findings.jsonl'), 'utf8').trim().split('\n');
  t.equal(lines.length, 1);
  t.same(JSON.parse(lines[0]!), JSON.parse(JSON.stringify(f)));
  const c = readFileSync(join(dir, f.file!), 'utf8');
  t.match(c, /__failure\n__msg\("bpf_spin_lock at off=0 must be held for bpf_list_head"\)\n__model_differs\("model: accept"\)\nint f_7_5\(struct __sk_buff \*ctx\)/);
  t.notMatch(c, /__success/, "the renderer's own expectation is replaced");
  t.match(c, /\/\* bug \*\//);
  t.notMatch(c, /a = 4;/, 'shrunk away');
  const s = r.kernels[0]!.stats;
  t.match(s, { programs: 40, compileErrors: 4, kernelRejects: 11, wrongAccepts: 6 });
  t.equal(s.kernelAccepts + s.kernelRejects + s.compileErrors, 40);
  t.same(r.kernels[0]!.coverage!.kernel, { 'graph.root.lock_not_held': 11 });
  t.ok(r.kernels[0]!.coverage!.unreachedGraph.includes('graph.lock.missing_unlock'));
  t.notOk(r.kernels[0]!.coverage!.unreachedGraph.includes('graph.root.lock_not_held'));
  t.ok(target.shut, 'the guest is shut down');
  t.same(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).findings.length, 1);
});

t.test('compile then load are pipelined: the next object compiles before the current one is loaded to the end', async (t) => {
  const order: string[] = [];
  const target = fakeTarget('debian:6.12');
  const compile = target.compile.bind(target);
  const load = target.load.bind(target);
  target.compile = async (b, p) => { order.push(`c${b.programs[0]!.name}`); return compile(b, p); };
  target.load = async (c) => { order.push('load-start'); await new Promise((r) => setTimeout(r, 20)); order.push('load-end'); return load(c); };
  await runCampaign({ open: async () => target, generate: fakeGenerate, render: renderObject },
    { kernels: ['k'], seed: 1, count: 3, perObject: 1, out: out(), shrink: false });
  t.equal(order[0], 'cf_1_0');
  t.ok(order.indexOf('cf_1_1') < order.indexOf('load-end'), `the second object compiles while the first loads: ${order.join(' ')}`);
});

t.test('no finding: exit 0; an unusable kernel: exit 3 and nothing run', async (t) => {
  const clean = await runCampaign({ open: async () => fakeTarget('k'), generate: (o) => ({ ...fakeGenerate(o), programs: fakeGenerate(o).programs.filter((p) => p.fault === null && !p.name.endsWith('_7')) }), render: renderObject },
    { kernels: ['k'], seed: 1, count: 5, perObject: 5, out: out() });
  t.equal(clean.exitCode, 0);
  t.equal(clean.findings.length, 0);
  const dead = await runCampaign({ open: async () => { throw new Error('no such kernel'); }, generate: fakeGenerate, render: renderObject },
    { kernels: ['debian:9.9'], seed: 1, count: 5, out: out() });
  t.equal(dead.exitCode, 3);
  t.match(dead.kernels[0]!.error, /no such kernel/);
  t.equal(dead.programs, 0);
});

t.test('two kernels: the same programs on both, transitions and whether the model predicts them', async (t) => {
  const dir = out();
  const r = await runCampaign({ open: async (spec) => fakeTarget(spec), generate: fakeGenerate, render: renderObject },
    { kernels: ['src:base', 'src:patched'], seed: 3, count: 10, perObject: 10, out: dir });
  t.same(r.transitions, { total: 1, predicted: 0, mispredicted: 1, unknown: 0, byChange: { 'reject->accept': 1 } }, 'program 5 (0 is rejected on both)');
  const ts = readFileSync(join(dir, 'transitions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.match(ts, [{ program: 'f_3_5', from: { spec: 'src:base', verdict: 'reject' }, to: { spec: 'src:patched', verdict: 'accept' }, predicted: false }]);
  t.same(r.findings.map((f) => f.kernel_spec), ['src:base'], 'the patched kernel agrees with the model');
});

t.test('interrupted: stops between objects, what was found is on disk, the guest is stopped', async (t) => {
  const dir = out();
  const ctl = new AbortController();
  const target = fakeTarget('k', { onLoad: (n) => { if (n === 3) ctl.abort('SIGINT'); } });
  const r = await runCampaign({ open: async () => target, generate: fakeGenerate, render: renderObject },
    { kernels: ['k'], seed: 2, count: 1000, perObject: 5, out: dir, signal: ctl.signal });
  t.ok(r.interrupted);
  t.equal(r.programs, 10, 'interrupted while shrinking the first finding (program 5, second object)');
  t.equal(r.findings.length, 1, 'a finding interrupted while shrinking is written as far as it got');
  t.ok(readdirSync(dir).includes('findings.jsonl'));
  t.ok(readdirSync(dir).includes('summary.json'));
  t.ok(target.shut);
});

t.test('a program that takes the guest down is a crash finding, written as generated (not shrunk)', async (t) => {
  const dir = out();
  const target = fakeTarget('k');
  let checks = 0;
  const check = target.check.bind(target);
  target.check = async (b, p) => { checks++; return check(b, p); };
  const r = await runCampaign({
    open: async () => target, render: renderObject,
    generate: (o) => {
      const b = fakeGenerate(o);
      return { ...b, programs: b.programs.filter((p) => p.fault === null && !p.name.endsWith('_7')).map((p, i) => (i === 1 ? { ...p, body: [{ kind: 'line', text: '/* crash */ return 0;' }, ...p.body] } : p)) };
    },
  }, { kernels: ['k'], seed: 4, count: 6, perObject: 6, out: dir });
  t.match(r.findings, [{ kind: 'crash', program: 'f_4_2', kernel: { verdict: 'crash', message: 'guest kernel panic while loading' }, model: { verdict: 'accept' }, shrink_rounds: 0 }]);
  t.equal(checks, 0, 'no shrinking round for a crash');
  t.equal(r.kernels[0]!.stats.crashes, 1);
  const c = readFileSync(join(dir, r.findings[0]!.file!), 'utf8');
  t.notMatch(c, /__success|__failure|__model_differs/, 'a crash declares nothing');
  t.match(c, /: crash\./);
  t.equal(r.exitCode, 1);
});

t.test('the second kernel\'s guest cannot go on: exit 3 naming that kernel, what was found stands', async (t) => {
  const dir = out();
  const second = fakeTarget('debian:7.3', { onLoad: (n) => { if (n === 2) throw new Error('guest did not boot again: timed out after 180 s'); } });
  const r = await runCampaign({ open: async (spec) => (spec === 'debian:7.3' ? second : fakeTarget(spec)), generate: fakeGenerate, render: renderObject },
    { kernels: ['debian:6.12', 'debian:7.3'], seed: 1, count: 100, perObject: 10, out: dir, shrink: false });
  t.equal(r.exitCode, 3);
  t.equal(r.kernels[0]!.error, null);
  t.match(r.kernels[1]!.error, /did not boot again/);
  t.equal(r.programs, 10, 'the first object counted');
  t.ok(r.findings.length >= 1, 'its findings written');
  t.ok(second.shut);
});
