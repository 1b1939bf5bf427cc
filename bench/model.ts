// Model figures: programs analysed per second (whole walk, verdict included) on one core.
//   node dist/bench/model.js [OBJ.o ...]
// Without arguments it builds programs/*/*.c through src/build (clang-19 against Debian 6.12's
// vmlinux.h, cached by `bpf-verdict btf`, fetched with a VM boot the first time; objects cached).
// CO-RE relocations are applied against that kernel's BTF, as `run` does.
// Figures on stdout, progress on stderr.
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { buildObjects } from '../src/build/build.js';
import { readObject } from '../src/object/read.js';
import { modelObject } from '../src/model/index.js';
import type { BpfObject } from '../src/object/types.js';
import { resolveKernel } from '../vm/kernel.js';
import { kernelBtfFor, vmlinuxHeaderFor } from '../vm/btf.js';
import { parseBtf } from '../src/btf/parse.js';
import { BASICS } from '../test/model/compile.js';

/** programs/<dir>/*.c built as `bpf-verdict run` builds them (same flags, same object cache). */
async function defaultObjects(): Promise<string[]> {
  const programs = dirname(BASICS);
  const header = await vmlinuxHeaderFor(await resolveKernel('debian:6.12'));
  const sources = readdirSync(programs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'include' && d.name !== 'build')
    .flatMap((d) => readdirSync(join(programs, d.name)).filter((f) => f.endsWith('.c')).map((f) => join(programs, d.name, f)));
  const built = await buildObjects(sources, { vmlinuxHeader: header, includeDirs: [join(programs, 'include')], cflags: [] });
  return built.map((b) => {
    if (!b.ok) throw new Error(`${b.source}: does not compile:\n${b.error}`);
    return b.object;
  });
}

const kernelBtfPath = await kernelBtfFor(await resolveKernel('debian:6.12'));
const targetBtf = parseBtf(new Uint8Array(readFileSync(kernelBtfPath)), kernelBtfPath);
const args = process.argv.slice(2);
const paths = args.length ? args : await defaultObjects();
const objects: BpfObject[] = paths.map((p) => readObject(new Uint8Array(readFileSync(p)), p));
const programs = objects.reduce((s, o) => s + o.programs.length, 0);
const insns = objects.reduce((s, o) => s + o.programs.reduce((a, p) => a + p.insns.length, 0), 0);
process.stderr.write(`  ${objects.length} objects, ${programs} programs\n`);

const verdicts = new Map<string, number>();
let processed = 0;
for (const o of objects) for (const r of modelObject(o, { targetBtf })) { verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1); processed += r.insnProcessed; }

// warm-up, then as many rounds as fit in ~3 s
for (let i = 0; i < 5; i++) for (const o of objects) modelObject(o, { targetBtf });
let rounds = 0;
const t0 = performance.now();
while (performance.now() - t0 < 3000) { for (const o of objects) modelObject(o, { targetBtf }); rounds++; }
const secs = (performance.now() - t0) / 1000;
const f = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.version}; one thread`);
console.log(`input: ${objects.length} objects, ${programs} programs, ${insns} instructions; verdicts ${[...verdicts].map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`model: ${f((rounds * programs) / secs)} programs/s, ${f((rounds * processed) / secs)} processed insns/s (${rounds} rounds in ${secs.toFixed(1)} s)`);
