// Figures for source-kernel builds: cached (warm) lookup, incremental rebuild after a one-file
// change to kernel/bpf/verifier.c, and (with --cold) a from-scratch build in a throwaway cache.
//   node dist/bench/kernel-build.js [--tree PATH | --series 7.3] [--cold] [-j N]
// Prints one line per figure on stdout; progress on stderr. The tree defaults to
// `bpf-verdict kernel fetch debian-source:SERIES` (cached; SERIES defaults to 6.12).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSourceKernel } from '../vm/kernel-build.js';
import { fetchDebianSource } from '../vm/kernel-build-fetch.js';

const { values } = parseArgs({ options: { tree: { type: 'string' }, series: { type: 'string' }, cold: { type: 'boolean' }, j: { type: 'string', short: 'j' } } });
const progress = (m: string) => process.stderr.write(`  ${m}\n`);
const jobs = values.j ? Number(values.j) : undefined;
const tree = values.tree ?? (await fetchDebianSource(values.series ?? '6.12', progress)).path;
const machine = `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`;
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
console.log(`machine: ${machine}; tree: ${tree}; load average at start: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// Warm: the base kernel (built once, cached): what a second run with the same inputs costs.
let t0 = performance.now();
const base = await buildSourceKernel({ kind: 'src', tree, patches: [] }, { onProgress: progress, jobs });
console.log(`base kernel ${base.release}: ${base.built ? `built (cold) in ${base.buildSeconds} s` : `cached, looked up in ${secs(t0)} s`}`);
t0 = performance.now();
const again = await buildSourceKernel({ kind: 'src', tree, patches: [] }, { onProgress: progress, jobs });
console.log(`warm (same inputs again): ${secs(t0)} s, compiled nothing: ${!again.built}`);

// Incremental: a fresh one-line change to verifier.c (unique, so never cached), seeded from the base.
const dir = mkdtempSync(join(tmpdir(), 'bpfv-bench-'));
const patch = join(dir, 'bench-touch-verifier.patch');
writeFileSync(patch, [
  '--- a/kernel/bpf/verifier.c', '+++ b/kernel/bpf/verifier.c', '@@ -1,3 +1,4 @@',
  `+/* bpf-verdict bench ${Date.now()} */`, ' // SPDX-License-Identifier: GPL-2.0-only', ' /* Copyright (c) 2011-2014 PLUMgrid, http://plumgrid.com', ' * Copyright (c) 2016 Facebook', '',
].join('\n'));
t0 = performance.now();
const inc = await buildSourceKernel({ kind: 'src', tree, patches: [patch] }, { onProgress: progress, jobs });
console.log(`incremental (one-line change to kernel/bpf/verifier.c, seeded from the base build): ${secs(t0)} s (seeded: ${inc.entry.seededFrom !== null})`);
rmSync(inc.entry.dir, { recursive: true, force: true }); // a throwaway kernel: do not keep it in the cache

if (values.cold) {
  // Cold: a throwaway cache, so nothing can be reused.
  const cache = mkdtempSync(join(tmpdir(), 'bpfv-bench-cache-'));
  process.env.XDG_CACHE_HOME = cache;
  t0 = performance.now();
  const cold = await buildSourceKernel({ kind: 'src', tree, patches: [] }, { onProgress: progress, jobs });
  console.log(`cold (empty cache, tinyconfig + kernel-config/): ${secs(t0)} s (${cold.release})`);
  rmSync(cache, { recursive: true, force: true });
}
rmSync(dir, { recursive: true, force: true });
