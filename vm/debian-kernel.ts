// Debian's prebuilt kernels: pick the newest linux-image package for a series from apt's
// lists, `apt-get download` it (never installed), keep only its vmlinuz, cached by the
// exact package version. I/O adapter around apt-cache / apt-get / dpkg-deb.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
import { checkEntry, discardEntry, sealEntry } from './cache-integrity.js';
import { KernelError } from './errors.js';
import type { KernelImage } from './kernel.js';

export interface DebianPackage { name: string; version: string }

/** linux-image-6.12.117+deb12-amd64 and linux-image-6.1.0-47-amd64, not -cloud/-rt/-dbg/-unsigned. */
export function isPlainImagePackage(name: string, series: string): boolean {
  const [maj, min] = series.split('.');
  return new RegExp(`^linux-image-${maj}\\.${min}\\.\\d+(-\\d+)?(\\+deb\\d+)?-amd64$`).test(name);
}

/** Debian version ordering, reduced to what kernel package versions use: numeric runs compare as numbers, '~' sorts first. */
export function compareDebianVersions(a: string, b: string): number {
  const tok = (v: string) => v.match(/\d+|~|[A-Za-z]+|[^\dA-Za-z~]/g) ?? [];
  const ta = tok(a), tb = tok(b);
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    const x = ta[i], y = tb[i];
    if (x === y) continue;
    if (x === undefined) return y === '~' ? 1 : -1;
    if (y === undefined) return x === '~' ? -1 : 1;
    if (x === '~' || y === '~') return x === '~' ? -1 : 1;
    const nx = /^\d+$/.test(x), ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The upstream part of a package version: 6.12.117-1~deb12u1 -> 6.12.117. */
export function upstreamVersion(pkgVersion: string): string {
  return pkgVersion.replace(/-[^-]*$/, '');
}

/** Pick the newest package whose upstream version is `want` or starts with `want.`. */
export function pickPackage(pkgs: DebianPackage[], want: string): DebianPackage | null {
  const fit = pkgs.filter((p) => {
    const up = upstreamVersion(p.version);
    return up === want || up.startsWith(`${want}.`);
  });
  fit.sort((a, b) => compareDebianVersions(b.version, a.version));
  return fit[0] ?? null;
}

export function parseAptShow(text: string): DebianPackage[] {
  return text.split(/\n\n+/).flatMap((stanza) => {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    return name && version ? [{ name, version }] : [];
  });
}

/**
 * What apt-cache's answer depends on: its package lists, its configuration (sources, pins)
 * and dpkg's status. Null when apt-config cannot say (then apt-cache is asked every time).
 */
async function aptStateFingerprint(): Promise<string | null> {
  const cfg = await execa('apt-config', ['shell', 'L', 'Dir::State::lists/d', 'E', 'Dir::Etc/d', 'S', 'Dir::State::status/f'], { reject: false });
  if (cfg.exitCode !== 0) return null;
  const paths = [...cfg.stdout.matchAll(/^[LES]='(.*)'$/gm)].map((m) => m[1]!);
  if (paths.length !== 3) return null;
  const h = createHash('sha256');
  const add = async (p: string): Promise<void> => {
    const st = await stat(p).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) for (const e of (await readdir(p)).sort()) await add(join(p, e));
    else h.update(`${p} ${st.size} ${st.mtimeMs}\n`);
  };
  for (const p of paths) await add(p);
  return h.digest('hex');
}

/**
 * apt-cache rebuilds its package cache in memory on every call here (~1 s each, two calls):
 * keep its answer per series until apt's state changes (apt-get update, sources, pins).
 */
async function aptCandidates(spec: string, series: string): Promise<DebianPackage[]> {
  const fingerprint = await aptStateFingerprint();
  const file = join(await cacheDir('apt'), `linux-image-${series}.json`);
  if (fingerprint) {
    const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as { fingerprint: string; packages: DebianPackage[] }).catch(() => null);
    if (saved?.fingerprint === fingerprint) return saved.packages;
  }
  const packages = await askApt(spec, series);
  if (fingerprint) {
    // Write then rename: a parallel run reads the old answer or the new one, never half of one.
    await writeFile(`${file}.${process.pid}`, JSON.stringify({ fingerprint, packages }) + '\n');
    await rename(`${file}.${process.pid}`, file);
  }
  return packages;
}

async function askApt(spec: string, series: string): Promise<DebianPackage[]> {
  const search = await execa('apt-cache', ['search', '--names-only', `^linux-image-${series.replace('.', '\\.')}\\.`], { reject: false });
  if (search.exitCode !== 0) {
    throw new KernelError(spec, `apt-cache search failed: ${search.stderr.trim()}`, 'this needs Debian 12 (bookworm) with apt; or use file:/path/to/bzImage');
  }
  const names = search.stdout.split('\n').map((l) => l.split(' - ')[0]!.trim()).filter((n) => isPlainImagePackage(n, series));
  if (!names.length) return [];
  const show = await execa('apt-cache', ['show', '--no-all-versions', ...names], { reject: false });
  return parseAptShow(show.stdout);
}

export async function resolveDebianKernel(spec: string, version: string, onProgress?: (msg: string) => void): Promise<KernelImage> {
  const series = version.split('.').slice(0, 2).join('.');
  const kernelsDir = await cacheDir('kernels');
  let pkgs: DebianPackage[];
  try {
    pkgs = await aptCandidates(spec, series);
  } catch (err) {
    // apt unusable: a kernel already in the cache still answers the spec (offline runs).
    const cached = await newestCached(kernelsDir, version);
    if (cached) return cached;
    throw err;
  }
  const pkg = pickPackage(pkgs, version);
  if (!pkg) {
    const cached = await newestCached(kernelsDir, version);
    if (cached) return cached;
    const have = pkgs.map((p) => upstreamVersion(p.version)).join(', ') || 'none';
    throw new KernelError(spec, `no Debian package linux-image-${version}*-amd64 (apt offers: ${have})`,
      `run 'apt-get update' (bookworm-security/bookworm-backports carry 6.12), or pick one of the versions apt offers`);
  }
  // -v2: entries since the agent modules are kept (modules.json).
  const key = `debian-${pkg.name.replace(/^linux-image-/, '')}_${pkg.version}-v2`.replace(/[^A-Za-z0-9._+~-]/g, '_');
  const dir = join(kernelsDir, key);
  const image = async (): Promise<KernelImage> => ({ spec, bzImage: join(dir, 'bzImage'), id: `debian-${upstreamVersion(pkg.version)}`, version: upstreamVersion(pkg.version), modules: await modulesOf(dir) });
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

  onProgress?.(`downloading ${pkg.name} ${pkg.version}`);
  await publishDir(dir, async (tmp) => {
    const dl = await execa('apt-get', ['download', `${pkg.name}=${pkg.version}`], { cwd: tmp, reject: false });
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (dl.exitCode !== 0 || !deb) {
      const why = dl.stderr.split('\n').find((l) => l.startsWith('E: ')) ?? dl.stderr.trim().split('\n').at(-1) ?? '';
      throw new KernelError(spec, `apt-get download ${pkg.name}=${pkg.version} failed: ${why}`,
        'check network access to the Debian archive, then apt-get update');
    }
    // Only /boot and the agent channel's modules: the package's other ~100 MB of modules are not needed.
    const x = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./boot/vmlinuz-*" "./boot/config-*" "./lib/modules/*/kernel/drivers/virtio/virtio*.ko*" "./lib/modules/*/kernel/drivers/char/virtio_console.ko*"', 'sh', join(tmp, deb), tmp], { reject: false });
    const boot = join(tmp, 'boot');
    const vmlinuz = existsSync(boot) ? (await readdir(boot)).find((f) => f.startsWith('vmlinuz-')) : undefined;
    // tar exits non-zero when a pattern matches nothing (6.12 builds virtio in): judge by what came out,
    // except when it ran out of space (then what came out may be cut short).
    if (/No space left on device/.test(x.stderr)) throw new KernelError(spec, `extracting ${deb}: ${x.stderr.trim().split('\n')[0]}`);
    if (!vmlinuz) throw new KernelError(spec, `no vmlinuz in ${deb}: ${x.stderr.trim()}`, 'the package may be damaged: delete it and retry');
    await copyFile(join(boot, vmlinuz), join(tmp, 'bzImage'));
    const config = (await readdir(boot)).find((f) => f.startsWith('config-'));
    if (config) await copyFile(join(boot, config), join(tmp, 'config'));
    const modules = await keepAgentModules(join(tmp, 'lib'), join(tmp, 'modules'));
    await execa('rm', ['-rf', boot, join(tmp, 'lib'), join(tmp, deb)]);
    await writeFile(join(tmp, 'modules.json'), JSON.stringify(modules) + '\n');
    await writeFile(join(tmp, 'meta.json'), JSON.stringify({ package: pkg.name, version: pkg.version }, null, 2));
    await sealEntry(tmp, await entryFiles(tmp));
  }, `the kernel ${pkg.name} ${pkg.version}`);
  return image();
}

/** The files a kernel entry is made of (and sealed with): the image, its module list and modules. */
async function entryFiles(dir: string): Promise<string[]> {
  const names = await readFile(join(dir, 'modules.json'), 'utf8').then((t) => JSON.parse(t) as string[]).catch(() => [] as string[]);
  return ['bzImage', 'modules.json', ...names.map((n) => `modules/${n}`)];
}

async function newestCached(kernelsDir: string, version: string): Promise<KernelImage | null> {
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
  return { spec: `debian:${version}`, bzImage: join(kernelsDir, hit.dir, 'bzImage'), id: `debian-${up}`, version: up, modules: await modulesOf(join(kernelsDir, hit.dir)) };
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
