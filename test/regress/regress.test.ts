// runRegress when a kernel cannot be used: nothing is compared, and nothing runs that cannot be
// compared. FAKE kernel backend and run (labelled): no VM; the real run is test/e2e/regress-demo.
import t from 'tap';
import { runRegress } from '../../src/regress/index.js';
import type { KernelBackend } from '../../src/run/backend.js';
import type { RunOptions, RunResult } from '../../src/run/types.js';

const base = 'src:/t', head = 'src:/t+broken.patch';

function fakes(unusable: { resolve?: string; run?: string }) {
  const calls: string[] = [];
  const kernel: KernelBackend = {
    async resolve(spec, _p, o) {
      calls.push(`resolve ${spec} jobs=${o?.kernelBuild?.jobs}`);
      if (spec === unusable.resolve) throw new Error(`kernel ${spec}: make bzImage failed: verifier.c:42: error: expected ';'`);
      return { spec, id: spec };
    },
    vmlinuxHeader: async () => '/nonexistent/vmlinux.h',
    kernelBtf: async () => null,
    boot: async () => { throw new Error('no boot in this test'); },
    vmFailure: () => null,
  };
  const run = async (o: RunOptions, deps?: { kernel?: KernelBackend }): Promise<RunResult> => {
    calls.push(`run ${o.kernels.join(' ')}`);
    for (const k of o.kernels) await deps!.kernel!.resolve(k); // the run's own resolve: answered from the first
    return {
      startedAt: '', durationMs: 0, records: [], counts: {} as RunResult['counts'], exitCode: 3,
      kernels: o.kernels.map((spec) => ({ spec, id: spec, release: null, profile: null, profileNote: null, error: spec === unusable.run ? 'guest never reached the agent' : null, boots: 1,
        ms: { resolve: 0, build: 0, boot: 0, load: 0, model: 0 }, built: { compiled: 0, cached: 0, failed: 0 }, verificationUs: 0 })),
    };
  };
  return { calls, deps: { kernel, run } };
}

const opts = { base, head, paths: ['programs'], kernelBuild: { jobs: 2 } };

t.test('the head does not build: the corpus never runs, nothing compared, exit 3, the error kept', async (t) => {
  const f = fakes({ resolve: head });
  const r = await runRegress(opts, f.deps);
  t.same(f.calls, [`resolve ${base} jobs=2`, `resolve ${head} jobs=2`], 'both resolved (with the build options), nothing run');
  t.equal(r.compared, false);
  t.equal(r.exitCode, 3);
  t.same(r.rows, [], 'no rows: nothing was compared');
  t.same([r.summary.programs, r.summary.changed, r.summary.flagged], [0, 0, 0]);
  t.equal(r.run, null);
  t.same(r.unusable.map((u) => u.spec), [head]);
  t.match(r.unusable[0]!.error, /make bzImage failed: verifier\.c:42/);
});

t.test('the base does not build: the head is not even built', async (t) => {
  const f = fakes({ resolve: base });
  const r = await runRegress(opts, f.deps);
  t.same(f.calls, [`resolve ${base} jobs=2`]);
  t.same([r.compared, r.exitCode, r.rows.length], [false, 3, 0]);
});

t.test('a kernel that fails during the run: nothing compared either', async (t) => {
  const f = fakes({ run: head });
  const r = await runRegress(opts, f.deps);
  t.same(f.calls, [`resolve ${base} jobs=2`, `resolve ${head} jobs=2`, `run ${base} ${head}`], 'resolved once each: the run reuses them');
  t.same([r.compared, r.exitCode, r.rows.length], [false, 3, 0]);
  t.same(r.unusable, [{ spec: head, error: 'guest never reached the agent' }]);
});

t.test('both usable: compared', async (t) => {
  const r = await runRegress(opts, fakes({}).deps);
  t.same([r.compared, r.exitCode, r.unusable], [true, 0, []]);
});
