// The generator's contract with the campaign: deterministic in (seed, line, index), one fault at
// most per program, every fault and shape reachable, the 7.3-only kfuncs only on the 7.3 line.
import t from 'tap';
import { batchOf, generate, programSeed, specFor, buildProgram, lineKfuncs } from '../../../src/fuzz/gen/index.js';
import { renderObject } from '../../../src/fuzz/render.js';
import { FAULTS, type FuzzBatch } from '../../../src/fuzz/types.js';
import type { LineName } from '../../../src/profiles/types.js';

const LINES: LineName[] = ['6.12', '7.3'];
const N = 600;
const batches = new Map<LineName, FuzzBatch>(LINES.map((l) => [l, generate({ seed: 42, line: l, count: N })]));

t.test('the same seed gives byte-identical C; another seed other C', async (t) => {
  for (const line of LINES) {
    const a = renderObject(generate({ seed: 1234, line, count: 40 }));
    const b = renderObject(generate({ seed: 1234, line, count: 40 }));
    t.equal(a, b, `${line}: seed 1234 twice`);
    const c = renderObject(generate({ seed: 1235, line, count: 40 }));
    t.not(a, c, `${line}: seeds 1234 and 1235`);
  }
  t.not(programSeed(1, '6.12', 0), programSeed(1, '7.3', 0), 'the line is part of a program\'s seed');
});

t.test('program i is the same whatever slice of the campaign is generated', async (t) => {
  const whole = generate({ seed: 9, line: '6.12', count: 12 });
  const part = generate({ seed: 9, line: '6.12', count: 4, first: 5 });
  t.same(part.programs, whole.programs.slice(5, 9));
  t.same(part.programs.map((p) => p.name), ['f_9_5', 'f_9_6', 'f_9_7', 'f_9_8']);
});

t.test('at most one fault per program, from FAULTS; about half the programs valid', async (t) => {
  for (const [line, b] of batches) {
    for (const p of b.programs) {
      t.ok(p.fault === null || (FAULTS as readonly string[]).includes(p.fault), `${p.name}: ${p.fault}`);
      t.equal(p.line, line);
    }
    const valid = b.programs.filter((p) => p.fault === null).length / N;
    t.ok(valid > 0.4 && valid < 0.65, `${line}: ${Math.round(valid * 100)}% meant valid`);
  }
});

t.test('placing a second fault in one program is a generator error', async (t) => {
  // A spec whose ops would each fit the fault: only the first may become it (inject() throws otherwise).
  const spec = { fault: 'unlock-without-lock' as const, section: 'tc', useMap: false,
    ops: Array.from({ length: 6 }, () => ({ op: 'unlock' as const, a: 0, b: 0, c: 1 })) };
  const built = buildProgram(spec, 'p', '6.12', lineKfuncs('6.12'));
  const program = built.program;
  t.equal(program.fault, 'unlock-without-lock');
  t.match(renderObject(batchOf([built])), /__failure\nint p\(/);
  const unlocks = JSON.stringify(program.body).match(/bpf_spin_unlock/g) ?? [];
  t.equal(unlocks.length, 1, 'one unlock without a lock, the other ops skipped');
});

t.test('every fault is generated on each line', async (t) => {
  for (const [line, b] of batches) {
    const seen = new Set(b.programs.map((p) => p.fault));
    t.same(FAULTS.filter((f) => !seen.has(f)), [], `${line}: faults never generated`);
  }
});

t.test('every shape is generated on each line', async (t) => {
  const shapes = ['several-roots', 'map-value-root', 'nested-root', 'refcounted-both', 'branch', 'loop',
    'static-subprog', 'global-subprog', 'less-cb', 'kptr-stash', 'spill'];
  for (const [line, b] of batches) {
    const seen = new Set(b.programs.flatMap((p) => p.shapes));
    t.same(shapes.filter((s) => !seen.has(s)), [], `${line}: shapes never generated`);
  }
});

t.test('the 7.3 kfuncs appear on 7.3 only; 6.12 programs use the _impl macros', async (t) => {
  const only73 = ['bpf_list_front', 'bpf_list_back', 'bpf_list_del', 'bpf_list_add', 'bpf_list_empty', 'bpf_list_is_first',
    'bpf_rbtree_root', 'bpf_rbtree_left'];
  const c612 = renderObject(batches.get('6.12')!);
  const c73 = renderObject(batches.get('7.3')!);
  for (const k of only73) {
    t.notOk(c612.includes(`${k}(`), `6.12 never calls ${k}`);
    t.ok(c73.includes(`${k}(`), `7.3 calls ${k}`);
  }
  t.notOk(c612.includes('bpf_verdict_73.h'));
  t.ok(c73.includes('#include "bpf_verdict_73.h"'));
});

t.test('a spec is the whole input: building it again gives the same program', async (t) => {
  const spec = specFor(5, '7.3', 3);
  const a = buildProgram(spec, 'x', '7.3', lineKfuncs('7.3'));
  const b = buildProgram(structuredClone(spec), 'x', '7.3', lineKfuncs('7.3'));
  t.same(a, b);
  // a cut op list is still a whole program: the fault, if any, comes from its fallback recipe
  for (let n = 0; n <= spec.ops.length; n++) {
    const cut = buildProgram({ ...spec, ops: spec.ops.slice(0, n) }, 'x', '7.3', lineKfuncs('7.3'));
    t.equal(cut.program.fault, spec.fault, `${n} ops: same fault`);
    t.match(renderObject(batchOf([cut])), /return 0;\n\}\n\nBPF_VERDICT_LICENSE;/);
  }
});

t.test('a line without the graph API in its profile is refused, naming what is missing', async (t) => {
  t.throws(() => generate({ seed: 1, line: '6.1', count: 1 }), { message: /kernel line 6.1 has no bpf_obj_new_impl/, hint: /6\.12 or 7\.3/ });
});

t.test('each branch of a program tests its own bit of rnd (clang would fold a second test of one bit)', async (t) => {
  let branches = 0;
  for (const b of batches.values()) {
    for (const p of b.programs) {
      const conds = renderObject({ programs: [p], decls: b.decls }).match(/if \(rnd & \d+u\)/g) ?? [];
      branches += conds.length;
      t.equal(new Set(conds).size, conds.length, `${p.line} ${p.name}: ${conds.join(', ')}`);
    }
  }
  t.ok(branches > 100, `${branches} branches`);
});
