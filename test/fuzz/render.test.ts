// The renderer: statements as kernel-style C, declarations once each after what they need, one
// kernel line per object.
import t from 'tap';
import { orderDecls, renderObject, renderStmts } from '../../src/fuzz/render.js';
import type { FuzzBatch, FuzzProgram } from '../../src/fuzz/types.js';

const prog = (name: string, over: Partial<FuzzProgram> = {}): FuzzProgram => ({
  name, line: '6.12', fault: null, shapes: [], section: 'tc', decls: ['root'], body: [{ kind: 'line', text: 'return 0;' }], ...over,
});
const batch: FuzzBatch = {
  programs: [prog('a'), prog('b', { fault: 'leak-at-exit', decls: ['cb', 'root'] })],
  decls: {
    st: { key: 'st', text: 'struct s { int k; };', needs: [] },
    root: { key: 'root', text: 'ROOT;', needs: ['st'] },
    cb: { key: 'cb', text: 'CB;', needs: ['st', 'root'] },
  },
};

t.test('statements: blocks indented by tabs, empty else left out', async (t) => {
  t.same(renderStmts([
    { kind: 'if', cond: '!x', then: [{ kind: 'line', text: 'return 0;' }], else: [] },
    { kind: 'loop', head: 'for (int i = 0; i < 4; i++)', body: [
      { kind: 'if', cond: 'y', then: [{ kind: 'line', text: 'a();' }], else: [{ kind: 'line', text: 'b();' }] }] },
  ]), ['\tif (!x) {', '\t\treturn 0;', '\t}', '\tfor (int i = 0; i < 4; i++) {', '\t\tif (y) {', '\t\t\ta();', '\t\t} else {',
    '\t\t\tb();', '\t\t}', '\t}']);
});

t.test('declarations once, each after the ones it needs', async (t) => {
  t.same(orderDecls(['cb', 'root'], batch.decls).map((d) => d.key), ['st', 'root', 'cb']);
  t.throws(() => orderDecls(['nope'], batch.decls), /declaration "nope".*not in the batch/);
  t.throws(() => orderDecls(['x'], { x: { key: 'x', text: '', needs: ['y'] }, y: { key: 'y', text: '', needs: ['x'] } }), /cycle/);
});

t.test('an object: headers, declarations, programs with their expectation, licence', async (t) => {
  const c = renderObject(batch);
  t.match(c, /^\/\/ SPDX-License-Identifier: GPL-2.0\n/);
  t.ok(c.indexOf('#include "vmlinux.h"') < c.indexOf('#include "bpf_verdict.h"'));
  t.notOk(c.includes('bpf_verdict_73.h'));
  t.equal(c.split('struct s { int k; };').length, 2, 'a shared declaration appears once');
  t.ok(c.indexOf('ROOT;') < c.indexOf('CB;'));
  t.match(c, /SEC\("tc"\)\n__description\("fuzz 6.12 a: valid"\)\n__success\nint a\(struct __sk_buff \*ctx\)\n\{\n\treturn 0;\n\}/);
  t.match(c, /__description\("fuzz 6.12 b: fault leak-at-exit"\)\n__failure\nint b\(/);
  t.ok(c.trimEnd().endsWith('BPF_VERDICT_LICENSE;'));
  const only = renderObject(batch, [batch.programs[0]!]);
  t.notOk(only.includes('CB;'), 'only the declarations the chosen programs need');
});

t.test('7.3 objects include bpf_verdict_73.h; lines are not mixed; unknown sections are named', async (t) => {
  const b73: FuzzBatch = { ...batch, programs: [prog('c', { line: '7.3', section: 'xdp' })] };
  const c = renderObject(b73);
  t.ok(c.indexOf('#include "bpf_verdict.h"') < c.indexOf('#include "bpf_verdict_73.h"'));
  t.match(c, /int c\(struct xdp_md \*ctx\)/);
  t.throws(() => renderObject({ ...batch, programs: [prog('a'), prog('c', { line: '7.3' })] }), /one kernel line/);
  t.throws(() => renderObject({ ...batch, programs: [prog('d', { section: 'kprobe/x' })] }), /section "kprobe\/x"/);
});
