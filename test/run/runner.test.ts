// The runner's orchestration with FAKE edges (labelled as such): a fake guest that answers from a
// script, a fake object reader (objects are JSON), a fake model and classifier. Real QEMU runs are
// in test/e2e/run*.test.ts. What is checked here: crash/timeout recovery in a fresh guest without
// losing results, per-program bisection, build failures as results, unusable kernels, exit codes.
import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCorpusWith, type RunDeps } from '../../src/run/runner.js';
import type { KernelSession } from '../../src/run/backend.js';
import type { BpfObject } from '../../src/object/types.js';
import type { KernelResult } from '../../src/verdict.js';

class FakePanic extends Error {}
class FakeTimeout extends Error {}

interface FakeProg { name: string; tags: string[]; kernel: 'accept' | 'reject' | 'panic' | 'hang'; model: 'accept' | 'reject' | 'unsupported' }

function fakeDeps(log: string[]): RunDeps {
  const progs = (bytes: Uint8Array): FakeProg[] => JSON.parse(Buffer.from(bytes).toString('utf8')) as FakeProg[];
  return {
    kernel: {
      async resolve(spec) {
        if (spec === 'debian:0.0') throw new Error('kernel debian:0.0: no such Debian kernel');
        return { spec, id: spec.replace(':', '-') };
      },
      async vmlinuxHeader() {
        const d = mkdtempSync(join(tmpdir(), 'bv-fakeh-'));
        writeFileSync(join(d, 'vmlinux.h'), 'struct x { int a; };\n');
        return join(d, 'vmlinux.h');
      },
      async boot() {
        log.push('boot');
        let dead = false;
        const session: KernelSession = {
          release: '6.12.0-fake',
          async load(bytes, opts) {
            if (dead) throw new Error('used a dead guest');
            const all = progs(bytes).filter((p) => !opts.programs || opts.programs.includes(p.name));
            if (all.some((p) => p.kernel === 'panic')) { dead = true; throw new FakePanic('Kernel panic - not syncing: fake'); }
            if (all.some((p) => p.kernel === 'hang')) { dead = true; throw new FakeTimeout('no answer in 1 s'); }
            return all.map((p): KernelResult => ({
              object: opts.object, program: p.name, section: 'tc', verdict: p.kernel === 'accept' ? 'accept' : 'reject',
              errno: p.kernel === 'accept' ? 0 : 13, message: p.kernel === 'accept' ? null : 'Unreleased reference id=2 alloc_insn=5',
              log: p.kernel === 'accept' ? '' : 'Unreleased reference id=2 alloc_insn=5\n', stats: { verificationUs: 10 },
            }));
          },
          async shutdown() { log.push('shutdown'); },
        };
        return session;
      },
      vmFailure(err) {
        if (err instanceof FakePanic) return { kind: 'crash', error: err.message, consoleTail: '[ 1.0] BUG: fake' };
        if (err instanceof FakeTimeout) return { kind: 'timeout', error: err.message, consoleTail: '' };
        return null;
      },
    },
    analysis: {
      readObject(bytes, file): BpfObject {
        return { file, btf: null, maps: [], license: 'GPL', programs: progs(bytes).map((p) => ({
          name: p.name, section: 'tc', progType: 'sched_cls', attachTo: null, sleepable: false, insns: [], funcs: [],
          relocs: new Map(), lines: new Map(), declTags: p.tags.map((x) => `comment:${x}`) })) };
      },
      model(obj, opts) {
        const ps = (obj as BpfObject).programs;
        return ps.map((p) => {
          const want = JSON.parse(Buffer.from(objBytes.get(obj.file)!).toString()).find((x: FakeProg) => x.name === p.name) as FakeProg;
          return { object: obj.file, program: p.name, section: 'tc', verdict: want.model, rule: want.model === 'reject' ? 'ref.unreleased' : null,
            insn: want.model === 'reject' ? 9 : null, message: null, ms: 0, stateAt: opts.trace ? 'R0=scalar()' : null };
        });
      },
      classify({ log }) {
        return log.includes('Unreleased') ? { rule: 'ref.unreleased', message: 'Unreleased reference id=2 alloc_insn=5', insn: 9 } : { rule: null, message: null, insn: null };
      },
    },
  };
}
const objBytes = new Map<string, string>();

const dir = mkdtempSync(join(tmpdir(), 'bv-run-'));
mkdirSync(join(dir, 'corpus'));
function obj(name: string, progs: FakeProg[]): void {
  const text = JSON.stringify(progs);
  writeFileSync(join(dir, 'corpus', name), text);
  objBytes.set(join(dir, 'corpus', name).replace(process.cwd() + '/', ''), text);
  objBytes.set(join(dir, 'corpus', name), text);
}
obj('a.o', [
  { name: 'ok_accept', tags: ['test_expect_success'], kernel: 'accept', model: 'accept' },
  { name: 'ok_reject', tags: ['test_expect_failure', 'test_expect_msg=Unreleased reference'], kernel: 'reject', model: 'reject' },
]);
obj('b.o', [
  { name: 'before', tags: ['test_expect_success'], kernel: 'accept', model: 'accept' },
  { name: 'boom', tags: ['test_expect_success'], kernel: 'panic', model: 'accept' },
  { name: 'after', tags: ['test_expect_success'], kernel: 'accept', model: 'reject' },
]);
obj('c.o', [
  { name: 'hangs', tags: [], kernel: 'hang', model: 'accept' },
  { name: 'wrong_decl', tags: ['test_expect_success'], kernel: 'reject', model: 'reject' },
]);
obj('d.o', [
  { name: 'declared', tags: ['test_expect_failure', 'bpf_verdict_model_differs=fake reason'], kernel: 'reject', model: 'accept' },
  { name: 'helper', tags: ['test_auxiliary'], kernel: 'accept', model: 'accept' },
  { name: 'outside', tags: [], kernel: 'accept', model: 'unsupported' },
]);
writeFileSync(join(dir, 'corpus', 'broken.c'), 'int f(void) { return nope; }\n');

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
  t.match(broken.comparison.reasons[0], /does not compile:\n.*broken\.c:1:\d+: error: use of undeclared identifier 'nope'/);
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

t.test('all green: exit code 0', async (t) => {
  const r = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o'), join(dir, 'corpus', 'd.o')], exclude: [] });
  t.equal(r.exitCode, 1, 'unsupported is not green');
  const g = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus', 'a.o')] });
  t.equal(g.exitCode, 0);
});

t.test('a missing corpus path is a typed error naming it', async (t) => {
  await t.rejects(runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'nope')] }), /nope: no such file or directory/);
});
