// Debian's prebuilt kernels: pick the newest linux-image package for a series from apt's
// lists, `apt-get download` it (never installed), keep only its vmlinuz, cached by the
// exact package version. I/O adapter around apt-cache / apt-get / dpkg-deb.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
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

async function aptCandidates(spec: string, series: string): Promise<DebianPackage[]> {
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
  const key = `debian-${pkg.name.replace(/^linux-image-/, '')}_${pkg.version}`.replace(/[^A-Za-z0-9._+~-]/g, '_');
  const dir = join(kernelsDir, key);
  const image = (): KernelImage => ({ spec, bzImage: join(dir, 'bzImage'), id: `debian-${upstreamVersion(pkg.version)}`, version: upstreamVersion(pkg.version) });
  if (existsSync(join(dir, 'bzImage'))) return image();

  onProgress?.(`downloading ${pkg.name} ${pkg.version}`);
  await publishDir(dir, async (tmp) => {
    const dl = await execa('apt-get', ['download', `${pkg.name}=${pkg.version}`], { cwd: tmp, reject: false });
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (dl.exitCode !== 0 || !deb) {
      throw new KernelError(spec, `apt-get download ${pkg.name}=${pkg.version} failed: ${dl.stderr.trim().split('\n').at(-1) ?? ''}`,
        'check network access to the Debian archive, then apt-get update');
    }
    // Only /boot from the package's data: its ~100 MB of modules are not needed (the guest loads none).
    const x = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./boot/vmlinuz-*" "./boot/config-*"', 'sh', join(tmp, deb), tmp], { reject: false });
    const boot = join(tmp, 'boot');
    const vmlinuz = existsSync(boot) ? (await readdir(boot)).find((f) => f.startsWith('vmlinuz-')) : undefined;
    if (x.exitCode !== 0 || !vmlinuz) throw new KernelError(spec, `no vmlinuz in ${deb}: ${x.stderr.trim()}`, 'the package may be damaged: delete it and retry');
    await copyFile(join(boot, vmlinuz), join(tmp, 'bzImage'));
    const config = (await readdir(boot)).find((f) => f.startsWith('config-'));
    if (config) await copyFile(join(boot, config), join(tmp, 'config'));
    await execa('rm', ['-rf', boot, join(tmp, deb)]);
    await writeFile(join(tmp, 'meta.json'), JSON.stringify({ package: pkg.name, version: pkg.version }, null, 2));
  });
  return image();
}

async function newestCached(kernelsDir: string, version: string): Promise<KernelImage | null> {
  const entries: { dir: string; pkg: DebianPackage }[] = [];
  for (const d of await readdir(kernelsDir).catch(() => [] as string[])) {
    if (!d.startsWith('debian-') || d.includes('.tmp-')) continue;
    try {
      const meta = JSON.parse(await readFile(join(kernelsDir, d, 'meta.json'), 'utf8')) as { package: string; version: string };
      if (existsSync(join(kernelsDir, d, 'bzImage'))) entries.push({ dir: d, pkg: { name: meta.package, version: meta.version } });
    } catch { /* not ours */ }
  }
  const best = pickPackage(entries.map((e) => e.pkg), version);
  const hit = best && entries.find((e) => e.pkg === best);
  if (!hit) return null;
  const up = upstreamVersion(hit.pkg.version);
  return { spec: `debian:${version}`, bzImage: join(kernelsDir, hit.dir, 'bzImage'), id: `debian-${up}`, version: up };
}
