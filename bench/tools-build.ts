// Figures for libbpf and bpftool built from kernel trees (vm/tools-build.ts) and the addon linked
// against that libbpf (vm/addon-build.ts): a cold build of each in a throwaway cache, then the warm
// lookup. Prints one line per tree on stdout; progress on stderr.
//   node dist/bench/tools-build.js TREE [TREE...]
// e.g. TREE = `bpf-verdict kernel fetch debian-source:6.12`'s tree.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTreeTools } from '../vm/tools-build.js';
import { buildAddon } from '../vm/addon-build.js';

const trees = process.argv.slice(2);
if (!trees.length) {
  process.stderr.write('usage: node dist/bench/tools-build.js TREE [TREE...]\n');
  process.exit(2);
}
const progress = (m: string) => process.stderr.write(`  ${m}\n`);
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
console.log(`machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}; load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const tree of trees) {
  // A throwaway cache: every figure is a cold build (the shared cache is left alone).
  const cache = mkdtempSync(join(tmpdir(), 'bpfv-tools-bench-'));
  process.env.XDG_CACHE_HOME = cache;
  try {
    let t0 = performance.now();
    const tools = await buildTreeTools(tree, progress);
    const cold = secs(t0);
    t0 = performance.now();
    const addon = await buildAddon(tools, progress);
    const addonCold = secs(t0);
    t0 = performance.now();
    await buildTreeTools(tree, progress);
    await buildAddon(tools, progress);
    console.log(`${tools.treeLabel}: libbpf ${tools.libbpfVersion} + bpftool ${tools.bpftoolVersion} cold ${cold} s; addon (static libbpf) cold ${addonCold} s; `
      + `both warm ${secs(t0)} s; optional APIs: ${addon.manifest.apis.join(', ') || 'none'}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
