// The interpreter's modules import one way: no module imports one that (directly or not) imports
// it back, so shared helpers sit below their users (operands.ts, callbacks.ts, env.ts).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '../../../src/model/interp');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const deps = new Map(files.map((f) => [f.replace(/\.ts$/, ''),
  [...readFileSync(join(dir, f), 'utf8').matchAll(/from '\.\/([a-z-]+)\.js'/g)].map((m) => m[1]!)]));

t.test('src/model/interp has no import cycle', async (t) => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (m: string, path: string[]): void => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'open') { cycles.push([...path.slice(path.indexOf(m)), m].join(' -> ')); return; }
    state.set(m, 'open');
    for (const d of deps.get(m) ?? []) visit(d, [...path, m]);
    state.set(m, 'done');
  };
  for (const m of deps.keys()) visit(m, []);
  t.same(cycles, []);
  t.ok(deps.size >= 10, 'read the modules');
});
