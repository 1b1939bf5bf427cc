// Benchmark: a full corpus run (bpf-verdict.yaml's corpus on its first kernel, or the paths/kernel
// given), cold (a fresh, empty object cache: everything compiled) then warm (same cache: nothing
// compiled). Prints wall times, programs per second, the time per phase, and the in-kernel
// verification time the kernel reports, summed: the floor no harness can go below.
// Kernel images, the guest image and vmlinux.h stay cached in both runs (they are per kernel, not
// per corpus; bench/boot.ts measures those).
//   node dist/bench/run.js [--kernel SPEC] [PATH]...
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findConfig, loadConfig, runOptionsFrom } from '../src/config/index.js';
import { runCorpus, type RunResult } from '../src/run/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kernel: { type: 'string' } } });
const cfg = loadConfig(findConfig(undefined));
const kernel = values.kernel ?? cfg.kernels[0]!;
const paths = positionals.length ? positionals : cfg.corpus;
const cache = mkdtempSync(join(tmpdir(), 'bv-bench-objects-'));

async function once(label: string): Promise<RunResult> {
  process.stderr.write(`${label} run of ${paths.join(' ')} on ${kernel}...\n`);
  const t0 = performance.now();
  const r = await runCorpus({
    ...runOptionsFrom(cfg), kernels: [kernel], paths, cacheDir: cache,
  });
  const wall = (performance.now() - t0) / 1000;
  const k = r.kernels[0]!;
  if (k.error) throw new Error(`${kernel}: ${k.error}`);
  const programs = r.records.filter((x) => x.program !== null).length;
  const s = (ms: number) => (ms / 1000).toFixed(2).padStart(7);
  console.log(`${label.padEnd(5)} wall ${wall.toFixed(2).padStart(7)} s  ${programs} programs  ${(programs / wall).toFixed(2)} programs/s`
    + `  | compiled ${k.built.compiled}, cached ${k.built.cached}, failed ${k.built.failed}`);
  console.log(`      kernel+BTF ${s(k.ms.resolve)} s  build ${s(k.ms.build)} s  boot ${s(k.ms.boot)} s  load ${s(k.ms.load)} s  model ${s(k.ms.model)} s`
    + `  (model ${(programs / Math.max(k.ms.model / 1000, 1e-6)).toFixed(0)} programs/s)`);
  console.log(`      in-kernel verification, summed: ${(k.verificationUs / 1e6).toFixed(3)} s `
    + `(${((k.verificationUs / 1e6 / wall) * 100).toFixed(1)}% of the wall time; the floor for any harness)`);
  return r;
}

try {
  await once('cold');
  await once('warm');
} finally {
  rmSync(cache, { recursive: true, force: true });
}
