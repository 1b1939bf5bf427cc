// An unknown model profile stops runCorpus before any kernel is resolved or guest booted (FAKE
// kernel backend, labelled: it records what was asked of it). The CLI side, through the real
// entry point, is test/cli/refusals.test.ts.
import t from 'tap';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { UsageError } from '../../src/shared/errors.js';
import { dir, fakeDeps } from './fakes.js';

t.test('profile nonsense: a UsageError, and the kernel backend was never asked anything', async (t) => {
  for (const profile of ['nonsense', '6.10']) {
    const log: string[] = [];
    const deps = fakeDeps(log);
    const resolve = deps.kernel.resolve;
    deps.kernel.resolve = async (spec, p, b) => { log.push(`resolve ${spec}`); return resolve(spec, p, b); };
    const err = await runCorpusWith(deps, { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o')], profile }).then(() => null, (e: unknown) => e);
    t.ok(err instanceof UsageError, `${profile}: a usage error`);
    t.match((err as Error).message, `unknown semantics profile '${profile}'`);
    t.same(log, [], `${profile}: nothing resolved, nothing booted`);
  }
});
