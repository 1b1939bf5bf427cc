// FAKE campaign edges (labelled as such; the real ones are in test/e2e/fuzz.test.ts): a generator
// that plants known disagreements, and a fake kernel target whose "kernel" and "model" answer from
// the program text. The renderer is the real one (pure).
import { renderObject } from '../../src/fuzz/render.js';
import { observe, notCompiled, type Observation } from '../../src/fuzz/observe.js';
import type { Target } from '../../src/fuzz/target.js';
import type { CompiledObject } from '../../src/fuzz/compile.js';
import type { FuzzBatch, FuzzProgram, Generate, Stmt } from '../../src/fuzz/types.js';
import { getProfile } from '../../src/profiles/index.js';
import type { KernelSide, ModelSide } from '../../src/compare/types.js';

const line = (text: string): Stmt => ({ kind: 'line', text });
export const LOCK_MSG = 'bpf_spin_lock at off=0 must be held for bpf_list_head';

/** Program i: every 5th has the planted bug (kernel rejects, model accepts), every 7th is rejected by both, every 11th does not compile. */
export const fakeGenerate: Generate = ({ seed, line: l, count, first = 0 }) => {
  const programs: FuzzProgram[] = [];
  for (let i = first; i < first + count; i++) {
    const body: Stmt[] = [line('int a = 0;'), line('a += 1;')];
    if (i % 5 === 0) body.push({ kind: 'if', cond: 'a', then: [line('a = 2;'), line('/* bug */ a = 3;')], else: [line('a = 4;')] });
    if (i % 7 === 0) body.push(line('/* reject */ a = 5;'));
    if (i % 11 === 0) body.push(line('/* syntax */ a = ;'));
    body.push(line('return a;'));
    programs.push({ name: `f_${seed}_${i}`, line: l, fault: i % 5 === 0 ? 'graph-op-without-lock' : null, shapes: [], section: 'tc', decls: ['g'], body });
  }
  return { programs, decls: { g: { key: 'g', text: 'int g;', needs: [] } } };
};

const text = (b: readonly Stmt[]): string => b.map((s) => (s.kind === 'line' ? s.text : s.kind === 'if' ? text([...s.then, ...s.else]) : text(s.body))).join('\n');

function kernelOf(spec: string, p: FuzzProgram): KernelSide {
  const t = text(p.body);
  if (t.includes('/* crash */')) return { kind: 'crash', error: 'guest kernel panic while loading', consoleTail: 'Kernel panic - not syncing: Fatal exception' };
  // the "patched" kernel accepts the bug: a transition
  const rejects = (t.includes('/* bug */') && !spec.includes('patched')) || t.includes('/* reject */');
  const message = rejects ? LOCK_MSG : null;
  return { kind: 'result', class: { rule: rejects ? 'graph.root.lock_not_held' : null, message, insn: rejects ? 3 : null },
    result: { object: 'x.o', program: p.name, section: 'tc', verdict: rejects ? 'reject' : 'accept', errno: rejects ? 22 : 0, message,
      log: rejects ? `0: (b7) r0 = 0\n3: (85) call bpf_list_push_front_impl#1\n${LOCK_MSG}\n` : 'processed 3 insns\n' } };
}

function modelOf(p: FuzzProgram): ModelSide {
  const rejects = text(p.body).includes('/* reject */');
  return { object: 'x.o', program: p.name, section: 'tc', verdict: rejects ? 'reject' : 'accept', rule: rejects ? 'graph.root.lock_not_held' : null,
    insn: rejects ? 3 : null, message: rejects ? LOCK_MSG : null, ms: 0 };
}

export interface FakeTarget extends Target { loads: number; compiles: number; shut: boolean }

export function fakeTarget(spec: string, opts: { line?: '6.12' | '7.3'; onLoad?: (n: number) => void } = {}): FakeTarget {
  const t: FakeTarget = {
    spec, kernel: { spec, id: spec.replace(':', '-') }, profile: getProfile(opts.line ?? '6.12'), profileNote: null,
    pool: null as never, btf: null, includeDirs: [], ms: { compile: 0, load: 0, model: 0, verify: 0 }, loads: 0, compiles: 0, shut: false,
    async compile(batch: FuzzBatch, programs: FuzzProgram[]): Promise<CompiledObject> {
      t.compiles++;
      const bad = programs.filter((p) => text(p.body).includes('/* syntax */'));
      const good = programs.filter((p) => !bad.includes(p));
      return { object: good.length ? { file: 'x.o', source: 'x.c', bytes: new TextEncoder().encode(renderObject(batch, good)) } : null,
        programs: good, failed: bad.map((program) => ({ program, error: "x.c:9:10: error: expected expression" })), clangRuns: bad.length ? 3 : 1 };
    },
    async load(c: CompiledObject): Promise<Observation[]> {
      opts.onLoad?.(++t.loads);
      return [...c.failed.map((f) => notCompiled(f.program.name, f.error)), ...c.programs.map((p) => observe(p.name, kernelOf(spec, p), modelOf(p)))];
    },
    async check(batch, programs) { return t.load(await t.compile(batch, programs)); },
    async shutdown() { t.shut = true; },
    release: () => '6.12.117+deb12-amd64',
    boots: () => 1,
  };
  return t;
}
