// GuestPool under faults, with FAKE edges (labelled as such; the real CLI under SIGINT/SIGTERM is
// test/e2e/run-interrupt.test.ts): the AbortSignal fires while an object is being loaded and its
// guest dies under it. The objects answered before are kept, the one in flight is not turned into
// a crash, no fresh guest is booted, and the result says it was interrupted. And a replacement
// guest that fails to boot once is booted again instead of giving up on the kernel.
import t from 'tap';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { dir, fakeDeps } from './fakes.js';

t.test('interrupted while loading: what was answered stays, the load in flight is dropped', async (t) => {
  const log: string[] = [];
  const deps = fakeDeps(log);
  const ctl = new AbortController();
  const boot = deps.kernel.boot.bind(deps.kernel);
  deps.kernel = {
    ...deps.kernel,
    async boot(k, o) {
      const s = await boot(k, o);
      return {
        ...s,
        async load(bytes, opts) {
          if (opts.object.endsWith('b.o')) ctl.abort('SIGINT');   // Ctrl-C arrives; b.o's 'boom' then takes the guest down
          return s.load(bytes, opts);
        },
        async kill() { log.push('kill'); },
      };
    },
  };
  const r = await runCorpusWith(deps, { kernels: ['debian:6.12', 'debian:6.1'], paths: [join(dir, 'corpus')], signal: ctl.signal, guests: 1 });
  t.equal(r.interrupted, 'SIGINT');
  t.same(r.records.filter((x) => x.program !== null).map((x) => x.program), ['ok_accept', 'ok_reject'], 'a.o (answered before) is kept; b.o is not recorded');
  t.notOk(r.records.some((x) => x.outcome === 'crash'), 'the guest dying under the interrupted load is not a crash');
  t.same(log.filter((l) => l === 'boot'), ['boot'], 'no fresh guest after the interruption, and the second kernel is not started');
  t.ok(log.includes('kill'), 'the guest was killed, not asked to shut down');
  t.equal(r.kernels.length, 1);
  t.equal(r.kernels[0]!.error, null, 'an interruption is not the kernel\'s fault');
});

t.test('interrupted before anything was loaded: no results, no boot left running', async (t) => {
  const log: string[] = [];
  const ctl = new AbortController();
  ctl.abort('SIGTERM');
  const r = await runCorpusWith(fakeDeps(log), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], signal: ctl.signal });
  t.equal(r.interrupted, 'SIGTERM');
  t.same(r.records, []);
  t.same(log, []);
});

t.test('a replacement guest that fails to boot once is tried again; the run goes on', async (t) => {
  const log: string[] = [];
  const deps = fakeDeps(log);
  const boot = deps.kernel.boot.bind(deps.kernel);
  let calls = 0;
  deps.kernel = { ...deps.kernel, async boot(k, o) {
    if (++calls === 2) throw new Error('guest kernel panic: IO-APIC + timer doesn\'t work! (fake)');
    return boot(k, o);
  } };
  const notes: string[] = [];
  const r = await runCorpusWith(deps, { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], guests: 1, onProgress: (e) => { if (e.kind === 'vm') notes.push(e.message); } });
  t.equal(r.kernels[0]!.error, null, 'the kernel is not declared unusable');
  t.ok(r.records.some((x) => x.program === 'declared'), 'objects after the failed boot were run');
  t.match(notes.join('\n'), /a fresh guest did not boot \(guest kernel panic: IO-APIC \+ timer doesn't work! \(fake\)\); trying again/);
  t.equal(r.kernels[0]!.boots, calls, 'every attempt is counted as a boot');
});

t.test('a first guest that oopses on every boot: a bounded number of boots, then the kernel is unusable (no endless retry)', async (t) => {
  const log: string[] = [];
  const deps = fakeDeps(log);
  let calls = 0;
  const oops = Object.assign(new Error('guest kernel oops: Oops: int3 (fake)'), { fake: true });
  deps.kernel = { ...deps.kernel, async boot() { calls++; throw oops; }, vmFailure: (e) => (e === oops ? { kind: 'crash', error: oops.message, consoleTail: '' } : null) };
  const r = await runCorpusWith(deps, { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], guests: 1 });
  // the first and two more, all in the prestarted boot, whose failure the first load gets
  t.equal(calls, 3, `${calls} boots: bounded`);
  t.match(r.kernels[0]!.error, /Oops: int3/);
  t.equal(r.exitCode, 3);
});
