// Debian's prebuilt kernels: pick the linux-image package a spec asks for from the project's own
// apt lists (vm/debian-apt.ts: the host's suites plus trixie, trixie-backports, sid), `apt-get
// download` the package that holds its vmlinuz (never installed), keep only the vmlinuz, cached by
// the exact package version. I/O adapter around apt-cache / apt-get / dpkg-deb.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
import { checkEntry, discardEntry, sealEntry } from './cache-integrity.js';
import { aptCache, aptDownload, debianApt, type DebianApt } from './debian-apt.js';
import { kernelPackages, offersBySeries, parseAptShow, parseMadison, pickKernel, pickPackage, upstreamVersion, type DebianPackage, type KernelPackage, type SeriesOffer } from './debian-packages.js';
import { CacheFullError, KernelError } from './errors.js';
import type { KernelImage } from './kernel.js';

export { compareDebianVersions, isPlainImagePackage, parseAptShow, pickPackage, upstreamVersion, type DebianPackage } from './debian-packages.js';

/**
 * Every plain amd64 kernel image in the private lists, with its suite and the package its vmlinuz
 * is in. apt-cache's answer only changes with an apt-get update: kept per update stamp.
 */
export async function debianKernelPackages(apt: DebianApt): Promise<KernelPackage[]> {
  const file = join(apt.dir, 'kernels.json');
  const stamp = apt.updatedAt.toISOString();
  const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { stamp: string; packages: KernelPackage[] }, () => null);
  if (saved?.stamp === stamp) return saved.packages;
  const search = await aptCache(apt, ['search', '--names-only', '^linux-image-[0-9]']);
  if (search.exitCode !== 0) throw new Error(`apt-cache search failed: ${search.stderr.trim()}`);
  const names = search.stdout.split('\n').map((l) => l.split(' - ')[0]!.trim()).filter((n) => /^linux-image-\d/.test(n));
  if (!names.length) return [];
  const [madison, show] = [await aptCache(apt, ['madison', ...names]), await aptCache(apt, ['show', ...names])];
  const packages = kernelPackages(parseMadison(madison.stdout), parseAptShow(show.stdout));
  // Write then rename: a parallel run reads the old answer or the new one, never half of one.
  await writeFile(`${file}.${process.pid}`, JSON.stringify({ stamp, packages }) + '\n');
  await rename(`${file}.${process.pid}`, file);
  return packages;
}

/** debian:6.12 (newest 6.12), debian:7.3.4 (exact), debian:newest (newest kernel in any suite). */
export async function resolveDebianKernel(spec: string, version: string, onProgress?: (msg: string) => void): Promise<KernelImage> {
  const kernelsDir = await cacheDir('kernels');
  let pkgs: KernelPackage[];
  let apt: DebianApt;
  try {
    apt = await debianApt(spec, onProgress);
    pkgs = await debianKernelPackages(apt);
  } catch (err) {
    // apt unusable (offline): a kernel already in the cache still answers the spec.
    const cached = await newestCached(kernelsDir, spec, version);
    if (cached) return cached;
    // typed errors (a full disk, a failed update) keep their own message and hint
    throw err instanceof KernelError || err instanceof CacheFullError ? err : new KernelError(spec, err instanceof Error ? err.message : String(err),
      'this needs apt (Debian); or use file:/path/to/bzImage');
  }
  const pkg = pickKernel(pkgs, version, apt.suites);
  if (!pkg) {
    const cached = await newestCached(kernelsDir, spec, version);
    if (cached) return cached;
    const series = [...new Set(pkgs.map((p) => p.series))].sort().join(', ') || 'none';
    throw new KernelError(spec, `Debian offers no kernel ${version} (series offered: ${series})`,
      `see 'bpf-verdict kernel list --available' for what each series resolves to`);
  }
  const dir = join(kernelsDir, cacheKey(pkg.image, pkg.version));
  const image = async (): Promise<KernelImage> => ({ spec, bzImage: join(dir, 'bzImage'), id: `debian-${pkg.upstream}`, version: pkg.upstream, modules: await modulesOf(dir) });
  if (existsSync(join(dir, 'bzImage')) && existsSync(join(dir, 'modules.json'))) {
    const files = await entryFiles(dir);
    const check = await checkEntry(dir, files);
    if (check.ok === true) return image();
    if (check.ok === 'unsealed') {
      await sealEntry(dir, files);   // written before seals existed: adopt it as it is
      return image();
    }
    onProgress?.(`cached kernel ${dir} is damaged: ${check.reason}; downloading it again`);
    await discardEntry(dir);
  }

  onProgress?.(`downloading ${pkg.vmlinuzIn} ${pkg.version} from ${pkg.suite}`);
  await publishDir(dir, async (tmp) => {
    const dl = await aptDownload(apt, pkg.vmlinuzIn, pkg.version, tmp);
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (!dl.ok || !deb) {
      const why = dl.output.split('\n').find((l) => l.startsWith('E: ')) ?? dl.output.trim().split('\n').at(-1) ?? '';
      throw new KernelError(spec, `apt-get download ${pkg.vmlinuzIn}=${pkg.version} failed: ${why}`,
        'check network access to the Debian archive');
    }
    // Only the vmlinuz, its config and the agent channel's modules: the other ~100 MB of modules are not needed.
    // Where the vmlinuz is: /boot/vmlinuz-R (linux-image-R up to 6.18), /usr/lib/modules/R/vmlinuz (linux-binary-R).
    const x = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./boot/vmlinuz-*" "./boot/config-*" "./usr/lib/modules/*/vmlinuz" "./usr/lib/modules/*/config" "./lib/modules/*/kernel/drivers/virtio/virtio*.ko*" "./lib/modules/*/kernel/drivers/char/virtio_console.ko*"', 'sh', join(tmp, deb), tmp], { reject: false });
    // tar exits non-zero when a pattern matches nothing: judge by what came out, except when it
    // ran out of space (then what came out may be cut short).
    if (/No space left on device/.test(x.stderr)) throw new KernelError(spec, `extracting ${deb}: ${x.stderr.trim().split('\n')[0]}`);
    const found = await findKernelFiles(tmp);
    if (!found.vmlinuz) throw new KernelError(spec, `no vmlinuz in ${deb} (looked in /boot and /usr/lib/modules/*/): ${x.stderr.trim()}`, 'the package may be damaged: delete it and retry');
    await copyFile(found.vmlinuz, join(tmp, 'bzImage'));
    if (found.config) await copyFile(found.config, join(tmp, 'config'));
    const modules = await keepAgentModules(join(tmp, 'lib'), join(tmp, 'modules'));
    await execa('rm', ['-rf', join(tmp, 'boot'), join(tmp, 'lib'), join(tmp, 'usr'), join(tmp, deb)]);
    await writeFile(join(tmp, 'modules.json'), JSON.stringify(modules) + '\n');
    await writeFile(join(tmp, 'meta.json'), JSON.stringify({ package: pkg.image, version: pkg.version, suite: pkg.suite, vmlinuzFrom: pkg.vmlinuzIn }, null, 2));
    await sealEntry(tmp, await entryFiles(tmp));
  }, `the kernel ${pkg.image} ${pkg.version}`);
  return image();
}

/** The files a kernel entry is made of (and sealed with): the image, its module list and modules. */
async function entryFiles(dir: string): Promise<string[]> {
  const names = await readFile(join(dir, 'modules.json'), 'utf8').then((t) => JSON.parse(t) as string[]).catch(() => [] as string[]);
  return ['bzImage', 'modules.json', ...names.map((n) => `modules/${n}`)];
}

/** The cache entry of a Debian image, by exact package version. -v2: entries since the agent modules are kept (modules.json). */
function cacheKey(image: string, version: string): string {
  return `debian-${image.replace(/^linux-image-/, '')}_${version}-v2`.replace(/[^A-Za-z0-9._+~-]/g, '_');
}

async function findKernelFiles(root: string): Promise<{ vmlinuz?: string; config?: string }> {
  const boot = join(root, 'boot');
  const bootFiles = existsSync(boot) ? await readdir(boot) : [];
  const v = bootFiles.find((f) => f.startsWith('vmlinuz-'));
  if (v) { const c = bootFiles.find((f) => f.startsWith('config-')); return { vmlinuz: join(boot, v), config: c && join(boot, c) }; }
  const mods = join(root, 'usr/lib/modules');
  for (const r of existsSync(mods) ? await readdir(mods) : []) {
    if (existsSync(join(mods, r, 'vmlinuz'))) return { vmlinuz: join(mods, r, 'vmlinuz'), config: existsSync(join(mods, r, 'config')) ? join(mods, r, 'config') : undefined };
  }
  return {};
}

async function newestCached(kernelsDir: string, spec: string, version: string): Promise<KernelImage | null> {
  const entries: { dir: string; pkg: DebianPackage }[] = [];
  for (const d of await readdir(kernelsDir).catch(() => [] as string[])) {
    if (!d.startsWith('debian-') || d.includes('.tmp-')) continue;
    try {
      const meta = JSON.parse(await readFile(join(kernelsDir, d, 'meta.json'), 'utf8')) as { package: string; version: string };
      if (existsSync(join(kernelsDir, d, 'bzImage')) && existsSync(join(kernelsDir, d, 'modules.json'))) entries.push({ dir: d, pkg: { name: meta.package, version: meta.version } });
    } catch { /* not ours */ }
  }
  const best = pickPackage(entries.map((e) => e.pkg), version);
  const hit = best && entries.find((e) => e.pkg === best);
  if (!hit) return null;
  const up = upstreamVersion(hit.pkg.version);
  return { spec, bzImage: join(kernelsDir, hit.dir, 'bzImage'), id: `debian-${up}`, version: up, modules: await modulesOf(join(kernelsDir, hit.dir)) };
}

/**
 * The agent talks over a virtio-serial port. 6.12 builds virtio and virtio_console in;
 * 6.1 ships them as modules, so the guest must insmod them, in dependency order.
 */
export const AGENT_MODULES = ['virtio', 'virtio_ring', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'virtio_console'];

async function keepAgentModules(libDir: string, outDir: string): Promise<string[]> {
  if (!existsSync(libDir)) return [];
  const found = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else found.set(e.name.replace(/\.ko(\.[a-z]+)?$/, ''), join(d, e.name));
    }
  };
  await walk(libDir);
  const kept: string[] = [];
  for (const m of AGENT_MODULES) {
    const src = found.get(m);
    if (!src) continue; // built in
    if (!src.endsWith('.ko')) throw new Error(`compressed module ${src}: not supported yet`);
    await mkdir(outDir, { recursive: true });
    await copyFile(src, join(outDir, `${m}.ko`));
    kept.push(`${m}.ko`);
  }
  return kept;
}

async function modulesOf(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = JSON.parse(await readFile(join(dir, 'modules.json'), 'utf8')) as string[];
  } catch {
    return [];
  }
  const mods = await Promise.all(names.map(async (n) => ({ name: n.replace(/\.ko$/, ''), path: join(dir, 'modules', n), depends: modinfoDepends(await readFile(join(dir, 'modules', n))) })));
  return orderByDepends(mods).map((m) => m.path);
}

/** The "depends=a,b" entry of a module's .modinfo (NUL-separated key=value strings). */
export function modinfoDepends(ko: Uint8Array): string[] {
  const text = Buffer.from(ko.buffer, ko.byteOffset, ko.byteLength).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text);
  return m && m[1] ? m[1].split(',').filter(Boolean) : [];
}

/** Dependencies first (insmod has no modprobe to resolve them); unknown dependencies are assumed built in. */
export function orderByDepends<T extends { name: string; depends: string[] }>(mods: T[]): T[] {
  const byName = new Map(mods.map((m) => [m.name, m]));
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: T): void => {
    if (state.get(m.name) === 'done') return;
    if (state.get(m.name) === 'visiting') throw new Error(`module dependency cycle at ${m.name}`);
    state.set(m.name, 'visiting');
    for (const d of m.depends) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    state.set(m.name, 'done');
    out.push(m);
  };
  mods.forEach(visit);
  return out;
}

export interface AvailableKernel extends SeriesOffer {
  /** The vmlinuz is in the kernel cache (no download needed). */
  cached: boolean;
  /** The newest linux-source-SERIES package (for `kernel fetch debian-source:SERIES`), if Debian has one. */
  source: { version: string; suite: string } | null;
}

/** `kernel list --available`: per series, what debian:SERIES resolves to, and its source package. */
export async function availableKernels(progress?: (m: string) => void): Promise<AvailableKernel[]> {
  const apt = await debianApt('debian:newest', progress);
  const offers = offersBySeries(await debianKernelPackages(apt), apt.suites);
  const search = await aptCache(apt, ['search', '--names-only', '^linux-source-[0-9]']);
  const srcNames = search.stdout.split('\n').map((l) => l.split(' - ')[0]!.trim()).filter((n) => /^linux-source-\d+\.\d+$/.test(n));
  const sources = srcNames.length ? parseMadison((await aptCache(apt, ['madison', ...srcNames])).stdout) : [];
  const kernelsDir = await cacheDir('kernels');
  return offers.map((o) => {
    const src = pickKernel(sources.filter((r) => r.name === `linux-source-${o.series}`).map((r) => ({ ...r, upstream: upstreamVersion(r.version) })), o.series, apt.suites);
    return { ...o, cached: existsSync(join(kernelsDir, cacheKey(o.image, o.version), 'bzImage')), source: src && { version: src.version, suite: src.suite } };
  });
}

export function formatAvailable(rows: AvailableKernel[]): string {
  const table = [['SPEC', 'NEWEST', 'PACKAGE VERSION', 'SUITE', 'CACHED', 'SOURCE (kernel fetch debian-source:SERIES)'],
    ...rows.map((r) => [`debian:${r.series}`, r.upstream, r.version, r.suite, r.cached ? 'yes' : 'no', r.source ? `${r.source.version} (${r.source.suite})` : '-'])];
  const w = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const newest = rows[0] ? `debian:newest = debian:${rows[0].upstream}\n` : '';
  return table.map((row) => row.map((c, i) => c.padEnd(i === row.length - 1 ? 0 : w[i]!)).join('  ').trimEnd()).join('\n') + '\n' + newest;
}
