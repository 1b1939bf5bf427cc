// Benchmark: a full corpus run (bpf-verdict.yaml's corpus on its kernels, or the paths/kernels
// given), cold (a fresh, empty object cache: everything compiled) then warm (same cache: nothing
// compiled). Prints wall times, programs per second, the time per phase, and the in-kernel
// verification time the kernel reports, summed: the floor no harness can go below.
// Kernel images, the guest image and vmlinux.h stay cached in both runs (they are per kernel, not
// per corpus; bench/boot.ts measures those).
// With --jobs 1,2: the cold run (to fill the object cache), then one warm run per guest count,
// and the speed-up of each over the first (wall time ratio).
// Several kernels run side by side when --jobs allows (src/run/guests.ts planLanes).
//   node dist/bench/run.js [--kernel SPEC[,SPEC...]] [--jobs N[,N...]] [PATH]...
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { findConfig, loadConfig, runOptionsFrom } from '../src/config/index.js';
import { runCorpus, type RunResult } from '../src/run/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kernel: { type: 'string' }, jobs: { type: 'string' } } });
const jobs = values.jobs?.split(',').map(Number) ?? [];
if (jobs.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--jobs wants guest counts like 1,2; got '${values.jobs}'`);
const cfg = loadConfig(findConfig(undefined));
const kernelSpecs = values.kernel?.split(',') ?? cfg.kernels;
const paths = positionals.length ? positionals : cfg.corpus;
const cache = mkdtempSync(join(tmpdir(), 'bv-bench-objects-'));

async function once(label: string, guests?: number): Promise<RunResult & { wall: number }> {
  process.stderr.write(`${label} run of ${paths.join(' ')} on ${kernelSpecs.join(', ')}${guests ? ` with --jobs ${guests}` : ''}...\n`);
  const t0 = performance.now();
  const r = await runCorpus({
    ...runOptionsFrom(cfg), kernels: kernelSpecs, paths, cacheDir: cache, guests,
  });
  const wall = (performance.now() - t0) / 1000;
  const programs = r.records.filter((x) => x.program !== null).length;
  const s = (ms: number) => (ms / 1000).toFixed(2).padStart(7);
  console.log(`${label.padEnd(5)} wall ${wall.toFixed(2).padStart(7)} s  ${programs} programs  ${(programs / wall).toFixed(2)} programs/s`);
  for (const k of r.kernels) {
    if (k.error) throw new Error(`${k.spec}: ${k.error}`);
    const n = r.records.filter((x) => x.kernel === k.spec && x.program !== null).length;
    console.log(`      ${k.spec}: ${n} programs | compiled ${k.built.compiled}, cached ${k.built.cached}, failed ${k.built.failed}`);
    // load: each object's wait for its answers, summed over objects (the first waits for the boot)
    console.log(`        kernel+BTF ${s(k.ms.resolve)} s  build ${s(k.ms.build)} s  boot ${s(k.ms.boot)} s  load ${s(k.ms.load)} s  model ${s(k.ms.model)} s`
      + `  (model ${(n / Math.max(k.ms.model / 1000, 1e-6)).toFixed(0)} programs/s)`);
    console.log(`        in-kernel verification, summed: ${(k.verificationUs / 1e6).toFixed(3)} s `
      + `(${((k.verificationUs / 1e6 / wall) * 100).toFixed(1)}% of the wall time; the floor for any harness)`);
  }
  return { ...r, wall };
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
try {
  console.log(`load average before: ${load()}`);
  await once('cold', jobs[0]);
  const walls: number[] = [];
  for (const n of jobs.length ? jobs : [undefined]) walls.push((await once(jobs.length ? `j${n}` : 'warm', n)).wall);
  for (let i = 1; i < jobs.length; i++) {
    console.log(`--jobs ${jobs[i]} vs --jobs ${jobs[0]}: ${(walls[0]! / walls[i]!).toFixed(2)}x as fast (warm wall ${walls[i]!.toFixed(2)} s vs ${walls[0]!.toFixed(2)} s)`);
  }
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
