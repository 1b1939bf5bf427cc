// The runner's orchestration with FAKE edges (labelled as such): a fake guest that answers from a
// script, a fake object reader (objects are JSON), a fake model and classifier. Real QEMU runs are
// in test/e2e/run*.test.ts. What is checked here: crash/timeout recovery in a fresh guest without
// losing results, per-program bisection, build failures as results, unusable kernels, exit codes.
import t from 'tap';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { dir, fakeDeps } from './fakes.js';
import { formatSummary } from '../../src/report/summary.js';
import { recordJson } from '../../src/report/record.js';

t.test('crashes and timeouts cost one program each; everything else is kept', async (t) => {
  const log: string[] = [];
  const events: string[] = [];
  const r = await runCorpusWith(fakeDeps(log), {
    kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], trace: true,
    onProgress: (e) => { if (e.kind === 'vm') events.push(e.message); },
  });
  const by = Object.fromEntries(r.records.map((x) => [x.program ?? x.object, x.outcome]));
  t.same(by, {
    [join(dir, 'corpus/broken.c').replace(process.cwd() + '/', '')]: 'loader-error',
    ok_accept: 'agree', ok_reject: 'agree',
    before: 'agree', boom: 'crash', after: 'model-differs',
    hangs: 'timeout', wrong_decl: 'expectation-differs',
    declared: 'declared', outside: 'unsupported',
  });
  t.notOk(r.records.some((x) => x.program === 'helper'), 'auxiliary programs are not tests');
  const broken = r.records.find((x) => x.program === null)!;
  t.match(broken.comparison.reasons[0], /does not compile: .*broken\.c:1:\d+: error: use of undeclared identifier 'nope'/);
  // one boot, one after the panic while bisecting b.o, one after 'boom', one after the timeout bisect, one after 'hangs'
  t.equal(r.kernels[0]!.boots, log.filter((l) => l === 'boot').length);
  t.ok(r.kernels[0]!.boots >= 3);
  t.equal(log.filter((l) => l === 'boot').length, log.filter((l) => l === 'shutdown').length, 'every guest is shut down');
  t.match(events.join('\n'), /b\.o: guest crash .*retrying its 3 programs one at a time/);
  t.match(events.join('\n'), /program boom took the guest down \(crash\)/);
  t.equal(r.kernels[0]!.release, '6.12.0-fake');
  t.ok(r.kernels[0]!.verificationUs > 0);
  t.equal(r.counts.agree, 3);
  t.equal(r.exitCode, 1);
});

t.test('an unusable kernel is reported and the other kernels still run', async (t) => {
  const r = await runCorpusWith(fakeDeps([]), { kernels: ['debian:0.0', 'debian:6.12'], paths: [join(dir, 'corpus', 'a.o')] });
  t.match(r.kernels[0]!.error, /no such Debian kernel/);
  t.equal(r.records.length, 2);
  t.ok(r.records.every((x) => x.kernel === 'debian:6.12' && x.outcome === 'agree'));
  t.equal(r.exitCode, 3);
});

t.test('a kernel that does not boot: a typed kernel error, other kernels keep their results', async (t) => {
  const log: string[] = [];
  const r = await runCorpusWith(fakeDeps(log), { kernels: ['debian:6.12', 'debian:bootfail'], paths: [join(dir, 'corpus', 'a.o')] });
  t.equal(r.kernels[1]!.error, 'guest never reached the agent (fake)');
  t.equal(r.records.length, 2);
  t.equal(r.exitCode, 3);
  // The two kernels run side by side (planLanes): their events interleave.
  t.same(log.filter((l) => !/^(model|classify|tools) /.test(l)).sort(), ['boot', 'boot-failed', 'shutdown']);
});

t.test('all green: exit code 0', async (t) => {
  const r = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o'), join(dir, 'corpus', 'd.o')], exclude: [] });
  t.equal(r.exitCode, 1, 'unsupported is not green');
  const g = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o')] });
  t.equal(g.exitCode, 0);
});

t.test('each kernel is held to the declaration for its release (__kernel scopes)', async (t) => {
  const r = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12', 'debian:7.3'], paths: [join(dir, 'lines', 'e.o')] });
  const on = (spec: string) => r.records.find((x) => x.kernel === spec)!;
  t.equal(on('debian:6.12').outcome, 'agree', '6.12: the unscoped __failure holds');
  t.equal(on('debian:6.12').expectation.scope, null);
  t.equal(on('debian:7.3').outcome, 'expectation-differs', '7.3.4: the 7.3- scope declares __success, the (fake) kernel rejects');
  t.equal(on('debian:7.3').expectation.result, 'success');
  t.equal(on('debian:7.3').expectation.scope, '7.3-');
  t.match(on('debian:7.3').comparison.reasons.join('\n'), /the kernel rejects the program; it declares __success/);
});

t.test('the libbpf serving each kernel, and why the host\'s stands in, reach the run and its summary', async (t) => {
  const log: string[] = [];
  const r = await runCorpusWith(fakeDeps(log), { kernels: ['debian:7.3', 'file:/x/bzImage'], paths: [join(dir, 'corpus', 'a.o')], tools: 'auto' });
  t.same(log.filter((l) => l.startsWith('tools')), ['tools auto', 'tools auto'], '--tools reaches resolve');
  t.equal(r.kernels[0]!.libbpf, 'libbpf 1.8.0 (fake tree)');
  t.equal(r.kernels[0]!.toolsNote, undefined);
  t.equal(r.kernels[1]!.toolsNote, 'file: comes without its source tree (fake)');
  const summary = formatSummary(r);
  t.match(summary, /kernel debian:7\.3 .*\n  loaded by libbpf 1\.8\.0 \(fake tree\)\n/);
  t.match(summary, /loaded by libbpf 1\.1 \(fake host\)\n  note: file: comes without its source tree \(fake\)/);
});

t.test('a missing corpus path is a typed error naming it', async (t) => {
  await t.rejects(runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'nope')] }), /nope: no such file or directory/);
});

t.test('the model follows each kernel: its own line, the newest for a newer kernel (said so), or the run\'s --profile', async (t) => {
  const notes: string[] = [];
  const log: string[] = [];
  const r = await runCorpusWith(fakeDeps(log), {
    kernels: ['debian:6.12', 'debian:7.3', 'debian:7.9'], paths: [join(dir, 'corpus', 'a.o')],
    onProgress: (e) => { if (e.kind === 'note') notes.push(e.message); },
  });
  t.same(r.kernels.map((k) => [k.spec, k.profile, k.profileNote === null]), [['debian:6.12', '6.12', true], ['debian:7.3', '7.3', true], ['debian:7.9', '7.3', false]]);
  t.match(r.kernels[2]!.profileNote, /7\.9\.0 is newer than the newest modelled line: semantics of Linux 7\.3/);
  t.match(notes.join('\n'), /debian:7\.9: Linux 7\.9\.0 is newer/);
  t.match(formatSummary(r), /kernel debian:7\.9 .*, model: Linux 7\.3 semantics\n  note: Linux 7\.9\.0 is newer than the newest modelled line/, 'the report says so');
  t.equal(recordJson(r.records.find((x) => x.kernel === 'debian:7.9')!).model.profile, '7.3');
  const used = log.filter((l) => l.startsWith('model ') || l.startsWith('classify '));
  t.same([...new Set(used)].sort(), ['classify 6.12', 'classify 7.3', 'model 6.12', 'model 7.3'], 'model and classifier both use the kernel\'s profile');

  const forced = await runCorpusWith(fakeDeps([]), { kernels: ['debian:7.3'], paths: [join(dir, 'corpus', 'a.o')], profile: '6.12' });
  t.same(forced.kernels.map((k) => [k.profile, k.profileNote]), [['6.12', null]]);
  await t.rejects(runCorpusWith(fakeDeps([]), { kernels: ['debian:7.3'], paths: [join(dir, 'corpus')], profile: '5.4' }), { name: 'UsageError', message: /unknown semantics profile '5\.4'/ });
});

t.test('kernelOnly: files for other kernel lines are left out of that kernel\'s run, and the run says so', async (t) => {
  const notes: string[] = [];
  const r = await runCorpusWith(fakeDeps([]), {
    kernels: ['debian:6.12', 'debian:7.3'], paths: [join(dir, 'corpus')], include: ['a.o', 'd.o'], kernelOnly: [{ glob: 'd.o', range: '7.3-' }],
    onProgress: (e) => { if (e.kind === 'note') notes.push(e.message); },
  });
  const objects = (spec: string) => [...new Set(r.records.filter((x) => x.kernel === spec).map((x) => x.object.split('/').pop()))];
  t.same(objects('debian:6.12'), ['a.o'], '6.12: d.o is not loaded');
  t.same(objects('debian:7.3'), ['a.o', 'd.o'], '7.3: d.o runs');
  t.match(notes.join('\n'), /debian:6\.12 \(Linux 6\.12\.0\): 1 files for other kernel lines left out: d\.o \(kernelOnly "d\.o": "7\.3-"\)/);
  t.notMatch(notes.join('\n'), /debian:7\.3 .*left out/);
  // a file named explicitly is always taken, as with exclude
  const named = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'd.o')], kernelOnly: [{ glob: 'd.o', range: '7.3-' }] });
  t.ok(named.records.some((x) => x.object.endsWith('d.o')));
});
