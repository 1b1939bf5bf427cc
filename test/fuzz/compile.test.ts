// Every generated program compiles: a few hundred programs per line, rendered 20 to an object,
// built by the corpus build (src/build: clang-19, the corpus flags, programs/include) against the
// vmlinux.h a run on that kernel uses (vm/btf.ts, from the kernels of bpf-verdict.yaml, with the
// kernel's own bpftool). Zero compile errors is the bar; each object holds every program rendered.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildObjects } from '../../src/build/build.js';
import { ObjectCache } from '../../src/build/cache.js';
import { generate } from '../../src/fuzz/gen/index.js';
import { renderObject } from '../../src/fuzz/render.js';
import { readObject } from '../../src/object/read.js';
import type { LineName } from '../../src/profiles/types.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../vm/tools.js';
import { KERNEL_612, KERNEL_73 } from '../e2e/kernels.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PER_OBJECT = 20;
const COUNT = 300;
const work = mkdtempSync(join(tmpdir(), 'fuzz-compile-'));

async function compileLine(t: Test, spec: string, line: LineName, seed: number): Promise<void> {
  const kernel = await resolveKernelWithTools(spec, parseToolsChoice(undefined));
  const header = await vmlinuxHeaderFor(kernel);
  const batch = generate({ seed, line, count: COUNT });
  const files: { path: string; names: string[] }[] = [];
  for (let i = 0; i < COUNT; i += PER_OBJECT) {
    const progs = batch.programs.slice(i, i + PER_OBJECT);
    const path = join(work, `fz_${line.replace('.', '_')}_${seed}_${i}.c`);
    writeFileSync(path, renderObject(batch, progs));
    files.push({ path, names: progs.map((p) => p.name) });
  }
  const out = await buildObjects(files.map((f) => f.path), {
    vmlinuxHeader: header, includeDirs: [join(ROOT, 'programs', 'include')], cflags: [],
    cache: new ObjectCache(join(work, 'cache')), concurrency: 2,
  });
  const errors = out.flatMap((o) => (o.ok ? [] : [`${o.source}: ${o.error}`]));
  t.same(errors, [], `${line}: ${COUNT} programs in ${files.length} objects against ${header}`);
  for (const [i, o] of out.entries()) {
    if (!o.ok) continue;
    const obj = readObject(new Uint8Array(readFileSync(o.object)), o.object);
    t.same(obj.programs.map((p) => p.name).sort(), [...files[i]!.names].sort(), `${files[i]!.path}: every program is in the object`);
  }
}

t.test('6.12: generated programs compile against Debian 6.12\'s vmlinux.h', (t) => compileLine(t, KERNEL_612, '6.12', 20260612));
t.test('7.3: generated programs compile against Debian 7.3\'s vmlinux.h', (t) => compileLine(t, KERNEL_73, '7.3', 20260703));
