// `kernel list`: everything in the kernel cache, as rows (data) and as a table (text).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listEntries, kernelsDir, entryPaths } from './kernel-build-cache.js';
import { fetchedTrees } from './kernel-build-fetch.js';

export interface KernelRow {
  kind: 'debian' | 'src' | 'tree';
  spec: string;              // what to pass to --kernel (or src: for a tree)
  version: string;
  path: string;              // bzImage, or the tree for kind 'tree'
  detail: string;            // patches / package version / build time
}

export async function listCachedKernels(): Promise<KernelRow[]> {
  const rows: KernelRow[] = [];
  for (const d of (await readdir(kernelsDir()).catch(() => [] as string[])).sort()) {
    if (!d.startsWith('debian-') || d.includes('.tmp-')) continue;
    try {
      const meta = JSON.parse(await readFile(join(kernelsDir(), d, 'meta.json'), 'utf8')) as { package: string; version: string };
      rows.push({ kind: 'debian', spec: `debian:${meta.version.replace(/-.*$/, '')}`, version: meta.version, path: join(kernelsDir(), d, 'bzImage'), detail: meta.package });
    } catch { /* not a finished Debian kernel */ }
  }
  for (const e of await listEntries()) {
    const patches = e.patches.map((p) => p.path.split('/').pop()).join(' + ');
    rows.push({
      kind: 'src', spec: e.spec, version: e.release, path: entryPaths(e.dir).bzImage,
      detail: `${patches ? `patches: ${patches}; ` : ''}built ${e.builtAt.slice(0, 16)} in ${e.buildSeconds} s${e.seededFrom ? ` (from ${e.seededFrom})` : ''}`,
    });
  }
  for (const t of await fetchedTrees()) {
    rows.push({ kind: 'tree', spec: `src:${t.path}`, version: t.version, path: t.path, detail: t.package });
  }
  return rows;
}

export function formatKernelList(rows: KernelRow[]): string {
  if (!rows.length) return 'no cached kernels (see: bpf-verdict kernel fetch debian-source:6.12)\n';
  const w = (k: keyof KernelRow) => Math.max(...rows.map((r) => r[k].length), k.length);
  const cols: (keyof KernelRow)[] = ['kind', 'version', 'spec', 'detail'];
  const line = (r: Record<string, string>) => cols.map((c) => r[c]!.padEnd(c === 'detail' ? 0 : w(c))).join('  ').trimEnd();
  return [line({ kind: 'KIND', version: 'VERSION', spec: 'SPEC', detail: 'DETAIL' }), ...rows.map((r) => line(r as unknown as Record<string, string>))].join('\n') + '\n';
}
