// Model figures: programs analysed per second (whole walk, verdict included) on one core.
//   node dist/bench/model.js [OBJ.o ...]
// Without arguments it compiles programs/basics/*.c and the graph corpus programs/*/*.c with
// clang-19 (the corpus against Debian 6.12's vmlinux.h, cached by `bpf-verdict btf`; fetched with
// a VM boot the first time). Figures on stdout, progress on stderr.
import { execa } from 'execa';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readObject } from '../src/object/read.js';
import { modelObject } from '../src/model/index.js';
import type { BpfObject } from '../src/object/types.js';
import { resolveKernel } from '../vm/kernel.js';
import { vmlinuxHeaderFor } from '../harness/btf.js';
import { BASICS, UAPI_INCLUDES } from '../test/model/compile.js';

async function defaultObjects(): Promise<string[]> {
  const out = mkdtempSync(join(tmpdir(), 'bench-model-'));
  const programs = dirname(BASICS);
  const header = await vmlinuxHeaderFor(await resolveKernel('debian:6.12'));
  const jobs: Promise<string>[] = [];
  for (const dir of readdirSync(programs, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'include' || dir.name === 'build') continue;
    for (const f of readdirSync(join(programs, dir.name)).filter((x) => x.endsWith('.c'))) {
      const obj = join(out, `${dir.name}-${f.replace(/\.c$/, '.o')}`);
      const inc = dir.name === 'basics' ? UAPI_INCLUDES : [`-I${dirname(header)}`, `-I${join(programs, 'include')}`];
      jobs.push(execa('clang-19', ['-target', 'bpf', '-g', '-O2', '-mcpu=v3', ...inc, '-c', join(programs, dir.name, f), '-o', obj]).then(() => obj));
    }
  }
  return Promise.all(jobs);
}

const args = process.argv.slice(2);
const paths = args.length ? args : await defaultObjects();
const objects: BpfObject[] = paths.map((p) => readObject(new Uint8Array(readFileSync(p)), p));
const programs = objects.reduce((s, o) => s + o.programs.length, 0);
const insns = objects.reduce((s, o) => s + o.programs.reduce((a, p) => a + p.insns.length, 0), 0);
process.stderr.write(`  ${objects.length} objects, ${programs} programs\n`);

const verdicts = new Map<string, number>();
let processed = 0;
for (const o of objects) for (const r of modelObject(o)) { verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1); processed += r.insnProcessed; }

// warm-up, then as many rounds as fit in ~3 s
for (let i = 0; i < 5; i++) for (const o of objects) modelObject(o);
let rounds = 0;
const t0 = performance.now();
while (performance.now() - t0 < 3000) { for (const o of objects) modelObject(o); rounds++; }
const secs = (performance.now() - t0) / 1000;
const f = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.version}; one thread`);
console.log(`input: ${objects.length} objects, ${programs} programs, ${insns} instructions; verdicts ${[...verdicts].map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`model: ${f((rounds * programs) / secs)} programs/s, ${f((rounds * processed) / secs)} processed insns/s (${rounds} rounds in ${secs.toFixed(1)} s)`);
