// Many programs, one object, with real clang-19 (no kernel headers: a plain renderer stands in for
// render.ts so the test needs no vmlinux.h): a program that does not compile costs only itself,
// whether clang's error can be pinned on its function or not.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blame, compilePrograms, functionSpans, type RenderObject } from '../../src/fuzz/compile.js';
import type { FuzzBatch, FuzzProgram } from '../../src/fuzz/types.js';

const prog = (name: string, text: string): FuzzProgram =>
  ({ name, line: '6.12', fault: null, shapes: [], section: 'tc', decls: ['shared'], body: [{ kind: 'line', text }] });
const render: RenderObject = (batch, programs = batch.programs) => [
  ...programs.flatMap((p) => p.decls).filter((k, i, a) => a.indexOf(k) === i).map((k) => batch.decls[k]!.text),
  ...programs.map((p) => `__attribute__((section("tc")))\nint ${p.name}(void *ctx)\n{\n\t${(p.body[0] as { text: string }).text}\n}`),
  'char LICENSE[] __attribute__((section("license"))) = "GPL";',
].join('\n\n') + '\n';

t.test('a program whose function holds the error is left out, the rest compile as one object', async (t) => {
  const batch: FuzzBatch = { decls: { shared: { key: 'shared', text: 'int g;', needs: [] } },
    programs: [prog('a', 'return g;'), prog('bad', 'return nope;'), prog('c', 'return g + 1;')] };
  const c = await compilePrograms(batch, batch.programs, { render, dir: mkdtempSync(join(tmpdir(), 'fuzz-compile-')), includeDirs: [] });
  t.same(c.programs.map((p) => p.name), ['a', 'c']);
  t.same(c.failed.map((f) => f.program.name), ['bad']);
  t.match(c.failed[0]!.error, /use of undeclared identifier 'nope'/);
  t.equal(c.clangRuns, 2, 'pinned on its function: one more clang run, no halving');
  t.ok(c.object && c.object.bytes.length > 0);
});

t.test('an error outside every function (a declaration) splits the batch until the culprit is alone', async (t) => {
  const batch: FuzzBatch = { decls: { shared: { key: 'shared', text: 'int g;', needs: [] }, broken: { key: 'broken', text: 'int h = ;', needs: [] } },
    programs: [prog('a', 'return g;'), { ...prog('b', 'return g;'), decls: ['shared', 'broken'] }, prog('c', 'return 1;'), prog('d', 'return 2;')] };
  const c = await compilePrograms(batch, batch.programs, { render, dir: mkdtempSync(join(tmpdir(), 'fuzz-compile-')), includeDirs: [] });
  t.same(c.programs.map((p) => p.name), ['a', 'c', 'd']);
  t.same(c.failed.map((f) => f.program.name), ['b']);
  t.ok(c.clangRuns > 2);
});

t.test('function spans and blame', async (t) => {
  const batch: FuzzBatch = { decls: { shared: { key: 'shared', text: 'int g;', needs: [] } }, programs: [prog('x', 'return 0;'), prog('y', 'return 1;')] };
  const text = render(batch);
  const spans = functionSpans(text, batch.programs);
  t.same([...spans.values()], [[4, 9], [10, 16]], 'from each definition to the line before the next one');
  t.same(blame(text, 'f.c:12:3: error: boom\n', batch.programs).map((p) => p.name), ['y']);
  t.same(blame(text, 'f.c:1:3: error: boom\n', batch.programs), [], 'in a declaration: nobody to blame');
  t.same(blame(text, 'f.c:12:3: warning: meh\n', batch.programs), [], 'warnings are no errors');
  t.same(blame(text, 'f.c:6:3: error: a\nf.c:12:3: error: b\n', batch.programs).map((p) => p.name), ['x', 'y']);
});

t.test('a single program that does not compile is a failure, not lost', async (t) => {
  const batch: FuzzBatch = { decls: { shared: { key: 'shared', text: 'int g = ;', needs: [] } }, programs: [prog('only', 'return g;')] };
  const c = await compilePrograms(batch, batch.programs, { render, dir: mkdtempSync(join(tmpdir(), 'fuzz-compile-')), includeDirs: [] });
  t.equal(c.object, null);
  t.same(c.failed.map((f) => f.program.name), ['only']);
  t.match(c.failed[0]!.error, /error: expected expression/);
});
