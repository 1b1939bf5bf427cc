// --jobs with FAKE run edges (test/run/fakes.ts, labelled as such): several guests give the
// records of one guest in the same order; a crash in one guest marks its culprit while the
// others carry on; a guest that cannot boot drops out and the others finish the corpus.
import t from 'tap';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { jsonLines } from '../../src/report/out.js';
import { dir, fakeDeps } from './fakes.js';

const opts = { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')] };

t.test('three guests: the records, order and exit code of one', async (t) => {
  const one = await runCorpusWith(fakeDeps([]), { ...opts, guests: 1 });
  const log: string[] = [];
  const vm: string[] = [];
  const three = await runCorpusWith(fakeDeps(log), { ...opts, guests: 3, onProgress: (e) => { if (e.kind === 'vm') vm.push(e.message); } });
  t.equal(jsonLines(three), jsonLines(one));
  t.equal(three.exitCode, one.exitCode);
  t.equal(three.records.find((r) => r.program === 'boom')!.outcome, 'crash', 'the culprit is marked');
  t.equal(three.records.find((r) => r.program === 'after')!.outcome, 'model-differs', 'its neighbours still ran');
  t.match(vm.join('\n'), /^guest \d: .*b\.o: guest crash/m, 'the guest is named in the note');
  t.equal(log.filter((l) => l === 'boot').length, log.filter((l) => l === 'shutdown').length, 'every guest is shut down');
  t.ok(three.kernels[0]!.boots >= 3 + 2, 'three guests and the replacements after the crash and the timeout');
});

t.test('a guest that cannot boot drops out; the others finish', async (t) => {
  const deps = fakeDeps([]);
  const boot = deps.kernel.boot.bind(deps.kernel);
  // Guests are told apart by their console log's name (…-console-g2-N.log).
  deps.kernel.boot = async (k, o) => { if (o.consoleLog?.includes('-g2-')) throw new Error('guest never reached the agent (fake, second guest)'); return boot(k, o); };
  const vm: string[] = [];
  const r = await runCorpusWith(deps, { ...opts, guests: 2, consoleDir: dir, onProgress: (e) => { if (e.kind === 'vm') vm.push(e.message); } });
  const one = await runCorpusWith(fakeDeps([]), { ...opts, guests: 1 });
  t.equal(jsonLines(r), jsonLines(one));
  t.equal(r.kernels[0]!.error, null);
  t.match(vm.join('\n'), /guest 2 is out \(guest never reached the agent .*\); 1 guest carries on/);
});

t.test('several kernels: side by side, one guest each, within --jobs; records in the order the kernels were given', async (t) => {
  const kernels = ['debian:6.12', 'debian:7.3'];
  const watch = (deps: ReturnType<typeof fakeDeps>, delayFor: string) => {
    const seen = { live: 0, most: 0 };
    const boot = deps.kernel.boot.bind(deps.kernel);
    deps.kernel.boot = async (k, o) => {
      // The first kernel is the slow one: it finishes last when both run at once.
      if (k.spec === delayFor) await new Promise((r) => setTimeout(r, 30));
      const vm = await boot(k, o);
      seen.most = Math.max(seen.most, ++seen.live);
      const shutdown = vm.shutdown.bind(vm);
      vm.shutdown = async () => { seen.live--; return shutdown(); };
      return vm;
    };
    return seen;
  };
  const oneDeps = fakeDeps([]);
  const oneSeen = watch(oneDeps, 'debian:6.12');
  const one = await runCorpusWith(oneDeps, { ...opts, kernels, guests: 1 });
  t.equal(oneSeen.most, 1, '--jobs 1: one guest at a time');
  const twoDeps = fakeDeps([]);
  const twoSeen = watch(twoDeps, 'debian:6.12');
  // Resolving (which builds a src: kernel, the next one seeded from it) stays one at a time, in order.
  const resolved: string[] = [];
  let resolving = 0;
  const resolve = twoDeps.kernel.resolve.bind(twoDeps.kernel);
  twoDeps.kernel.resolve = async (spec, progress, o) => {
    t.equal(resolving++, 0, `${spec} resolves alone`);
    if (spec === kernels[0]) await new Promise((r) => setTimeout(r, 20));
    try { return await resolve(spec, progress, o); } finally { resolving--; resolved.push(spec); }
  };
  const two = await runCorpusWith(twoDeps, { ...opts, kernels, guests: 2 });
  t.same(resolved, kernels, 'resolved in the order given');
  t.equal(twoSeen.most, 2, '--jobs 2: both kernels at once');
  t.equal(jsonLines(two), jsonLines(one), 'the same records in the same order');
  t.same(two.kernels.map((k) => k.spec), kernels);
  t.same([...new Set(two.records.map((r) => r.kernel))], kernels, 'the first kernel\'s records first, though it finished last');
});

t.test('an object is sent to the guest before the host runs the model on it (the two overlap)', async (t) => {
  const events: string[] = [];
  const deps = fakeDeps([]);
  const boot = deps.kernel.boot.bind(deps.kernel);
  deps.kernel.boot = async (k, o) => {
    const vm = await boot(k, o);
    const load = vm.load.bind(vm);
    return { ...vm, load: async (bytes, lo) => { events.push(`send ${lo.object}`); return load(bytes, lo); } };
  };
  const model = deps.analysis.model.bind(deps.analysis);
  deps.analysis.model = (obj, mo) => { events.push(`model ${obj.file}`); return model(obj, mo); };
  const r = await runCorpusWith(deps, { ...opts, guests: 1 });
  const one = await runCorpusWith(fakeDeps([]), { ...opts, guests: 1 });
  t.equal(jsonLines(r), jsonLines(one), 'the same records');
  const firstSend = events.findIndex((e) => e.startsWith('send '));
  const object = events[firstSend]!.slice('send '.length);
  t.ok(firstSend >= 0 && firstSend < events.indexOf(`model ${object}`), `${object}: sent, then modelled (${events.slice(0, 4).join(', ')})`);
});
