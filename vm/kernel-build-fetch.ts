// `kernel fetch debian-source:6.12`: Debian's linux-source-6.12 package, downloaded with
// `apt-get download` (never installed), unpacked into <cache>/trees/ as a ready kernel tree.
// The tree gets a marker with the package version and a fingerprint, so builds from it are keyed
// by the package version (stable across runs and machines), as long as nobody edits it.
import { readdir, writeFile, mkdir, rm, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot, renameIntoPlace } from './cache.js';
import { aptCache, aptDownload, debianApt } from './debian-apt.js';
import { parseMadison, pickKernel, pickPackage, upstreamVersion } from './debian-packages.js';
import { KernelBuildError } from './kernel-build-errors.js';
import { exists, readMarker, treeFingerprint, TREE_MARKER, type TreeMarker } from './kernel-build-tree.js';
import { UsageError } from '../src/shared/errors.js';

export interface FetchedTree { path: string; package: string; version: string; fetched: boolean }

/** "debian-source:6.12" / "debian-source:7.3.4" -> the package series and the wanted upstream version. */
export function parseTreeSpec(spec: string): { kind: 'debian-source'; series: string; want: string } {
  const m = /^debian-source:((\d+\.\d+)(\.\d+)?)$/.exec(spec);
  if (!m) throw new UsageError(`unknown tree spec '${spec}'`, 'trees: debian-source:6.12, debian-source:7.3 (Debian\'s linux-source-X.Y package, newest in any suite), debian-source:7.3.4');
  return { kind: 'debian-source', series: m[2]!, want: m[1]! };
}

export function treesDir(): string {
  return join(cacheRoot(), 'trees');
}

export async function fetchDebianSource(series: string, progress: (m: string) => void, want = series): Promise<FetchedTree> {
  const pkgName = `linux-source-${series}`;
  let found: { version: string; suite: string } | null = null;
  let evidence: string[] = [];
  let apt;
  try {
    apt = await debianApt(`debian-source:${want}`, progress);
    const madison = await aptCache(apt, ['madison', pkgName]);
    const rows = parseMadison(madison.stdout).filter((r) => r.name === pkgName);
    found = pickKernel(rows.map((r) => ({ ...r, upstream: upstreamVersion(r.version) })), want, apt.suites);
    evidence = [...madison.stderr.split('\n').filter(Boolean), `apt offers ${pkgName}: ${rows.map((r) => `${r.version} (${r.suite})`).join(', ') || 'none'}`];
  } catch (err) {
    evidence = [err instanceof Error ? err.message : String(err)];
  }
  const pkg = found;
  if (!apt || !pkg) {
    // Offline or no such package: a tree already fetched still answers.
    const cached = await newestFetched(pkgName, want);
    if (cached) return cached;
    throw new KernelBuildError('fetch', `Debian offers no package ${pkgName}${want !== series ? ` of version ${want}` : ''}`, evidence,
      `see what Debian offers with 'bpf-verdict kernel list --available' (sources: linux-source-X.Y), or give src: a tree you already have`);
  }
  // No "+" in the directory name (backports versions have one, 7.3.4-1~bpo13+1): src:TREE+a.patch splits on "+".
  const dest = join(treesDir(), `debian-source-${pkg.version}`.replace(/[^A-Za-z0-9._~-]/g, '_'));
  const tree = join(dest, pkgName);
  const marker = await readMarker(tree);
  if (marker && marker.version === pkg.version) return { path: tree, package: pkgName, version: pkg.version, fetched: false };

  const tmp = `${dest}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    progress(`downloading ${pkgName} ${pkg.version} from ${pkg.suite} (apt-get download, ~150 MB)`);
    const dl = await aptDownload(apt, pkgName, pkg.version, tmp);
    const deb = (await readdir(tmp)).find((f) => f.endsWith('.deb'));
    if (!dl.ok || !deb) {
      throw new KernelBuildError('fetch', `apt-get download ${pkgName}=${pkg.version} failed`, dl.output.split('\n').filter(Boolean).slice(-10),
        'check network access to the Debian archive, then apt-get update');
    }
    progress(`unpacking ${deb}`);
    // The package holds /usr/src/linux-source-6.12.tar.xz; the tree is inside that tarball.
    const tarball = `./usr/src/${pkgName}.tar.xz`;
    const x = await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"', 'sh', join(tmp, deb), tmp, tarball], { reject: false, all: true });
    if (x.exitCode !== 0) throw new KernelBuildError('fetch', `${deb} has no ${tarball}`, (x.all ?? '').split('\n').filter(Boolean), 'the download may be damaged: retry');
    await mkdir(join(tmp, 'unpack'));
    const t = await execa('tar', ['-xJf', join(tmp, tarball), '-C', join(tmp, 'unpack')], { reject: false, all: true });
    if (t.exitCode !== 0 || !(await exists(join(tmp, 'unpack', pkgName, 'Makefile')))) {
      throw new KernelBuildError('fetch', `unpacking ${tarball} failed`, (t.all ?? '').split('\n').filter(Boolean).slice(-10), 'check free disk space (~1.5 GB)');
    }
    const unpacked = join(tmp, 'unpack', pkgName);
    const m: TreeMarker = { source: 'debian-source', package: pkgName, version: pkg.version, fingerprint: await treeFingerprint(unpacked) };
    await writeFile(join(unpacked, TREE_MARKER), JSON.stringify(m, null, 2) + '\n');
    // Publish dest whole with one rename. Another run may have published it while this one
    // downloaded: keep theirs (someone may be building from it). Only a dest without a good
    // marker (a damaged leftover) is moved aside first.
    const theirs = await readMarker(tree);
    if (theirs && theirs.version === pkg.version) return { path: tree, package: pkgName, version: pkg.version, fetched: false };
    if (await exists(dest)) {
      const aside = `${dest}.damaged-${process.pid}-${Date.now()}`;
      await rename(dest, aside).catch(() => undefined);
      await rm(aside, { recursive: true, force: true });
    }
    await mkdir(join(tmp, 'publish'));
    await rename(unpacked, join(tmp, 'publish', pkgName));
    await renameIntoPlace(join(tmp, 'publish'), dest);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { path: tree, package: pkgName, version: pkg.version, fetched: true };
}

/** Trees already fetched, for `kernel list` and offline fetches. */
export async function fetchedTrees(): Promise<FetchedTree[]> {
  const out: FetchedTree[] = [];
  for (const d of await readdir(treesDir()).catch(() => [] as string[])) {
    if (d.includes('.tmp-')) continue;
    for (const sub of await readdir(join(treesDir(), d)).catch(() => [] as string[])) {
      const marker = await readMarker(join(treesDir(), d, sub));
      if (marker) out.push({ path: join(treesDir(), d, sub), package: marker.package, version: marker.version, fetched: false });
    }
  }
  return out;
}

async function newestFetched(pkgName: string, want: string): Promise<FetchedTree | null> {
  const have = (await fetchedTrees()).filter((t) => t.package === pkgName);
  return pickPackage(have.map((t) => ({ ...t, name: t.package })), want);
}
