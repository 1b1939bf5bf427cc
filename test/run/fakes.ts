// FAKE run edges for unit tests (labelled as such): a fake guest that answers from a script, a fake
// object reader (objects are JSON lists of programs), a fake model and classifier.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDeps } from '../../src/run/runner.js';
import type { KernelSession } from '../../src/run/backend.js';
import type { BpfObject } from '../../src/object/types.js';
import type { KernelResult } from '../../src/shared/verdict.js';

class FakePanic extends Error {}
class FakeTimeout extends Error {}

export interface FakeProg { name: string; tags: string[]; kernel: 'accept' | 'reject' | 'panic' | 'hang'; model: 'accept' | 'reject' | 'unsupported' }

export function fakeDeps(log: string[]): RunDeps {
  const progs = (bytes: Uint8Array): FakeProg[] => JSON.parse(Buffer.from(bytes).toString('utf8')) as FakeProg[];
  return {
    kernel: {
      async resolve(spec, _progress, opts) {
        if (spec === 'debian:0.0') throw new Error('kernel debian:0.0: no such Debian kernel');
        log.push(`tools ${opts?.tools ?? 'auto'}`);
        const tools = spec.startsWith('file:') ? { libbpf: 'libbpf 1.1 (fake host)', note: 'file: comes without its source tree (fake)' } : { libbpf: 'libbpf 1.8.0 (fake tree)' };
        // a fake release from the spec's version (debian:7.3 -> 7.3.0); none for other specs
        const v = /^debian:(\d+\.\d+)/.exec(spec)?.[1];
        return { spec, id: spec.replace(':', '-'), tools, ...(v ? { version: `${v}.0` } : {}) };
      },
      async vmlinuxHeader() {
        const d = mkdtempSync(join(tmpdir(), 'bv-fakeh-'));
        writeFileSync(join(d, 'vmlinux.h'), 'struct x { int a; };\n');
        return join(d, 'vmlinux.h');
      },
      async kernelBtf() { return null; },
      async boot(k) {
        if (k.spec === 'debian:bootfail') { log.push('boot-failed'); throw new Error('guest never reached the agent (fake)'); }
        log.push('boot');
        let dead = false;
        const session: KernelSession = {
          // the fake kernel's release follows its spec's version (debian:7.3 -> 7.3.4-fake)
          release: k.spec === 'debian:7.3' ? '7.3.4-fake' : '6.12.0-fake',
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
        log.push(`model ${opts.profile.name}`);
        const ps = (obj as BpfObject).programs;
        return ps.map((p) => {
          const want = JSON.parse(Buffer.from(objBytes.get(obj.file)!).toString()).find((x: FakeProg) => x.name === p.name) as FakeProg;
          return { object: obj.file, program: p.name, section: 'tc', verdict: want.model, rule: want.model === 'reject' ? 'ref.unreleased' : null,
            insn: want.model === 'reject' ? 9 : null, message: want.model === 'reject' ? 'Unreleased reference id=2 alloc_insn=5' : null, ms: 0, stateAt: opts.trace ? 'R0=scalar()' : null };
        });
      },
      classify({ log: text }, profile) {
        log.push(`classify ${profile.name}`);
        return text.includes('Unreleased') ? { rule: 'ref.unreleased', message: 'Unreleased reference id=2 alloc_insn=5', insn: 9 } : { rule: null, message: null, insn: null };
      },
    },
  };
}
const objBytes = new Map<string, string>();

export const dir = mkdtempSync(join(tmpdir(), 'bv-run-'));
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
// A program whose verdict changed in 7.3 and says so; outside corpus/ so the other tests keep their counts.
mkdirSync(join(dir, 'lines'));
writeFileSync(join(dir, 'lines', 'e.o'), JSON.stringify([
  { name: 'relaxed_in_73', kernel: 'reject', model: 'reject',
    tags: ['1:test_expect_failure', '2:test_expect_msg=Unreleased reference', '3:bpf_verdict_kernel=7.3-', '4:test_expect_success'] },
]));
objBytes.set(join(dir, 'lines', 'e.o'), readFileSync(join(dir, 'lines', 'e.o'), 'utf8'));
writeFileSync(join(dir, 'corpus', 'broken.c'), 'int f(void) { return nope; }\n');

