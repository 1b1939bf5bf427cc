// The source-kernel cache: <cache>/kernels/src-<key>/ holds one finished build:
//   entry.json        what went in (tree identity, patches, config), when, how long
//   src/              hardlink copy of the tree with the patches applied (private copies)
//   src/_build/       kbuild's output dir (O=_build)
// O= is a direct subdirectory of the tree, so kbuild names the tree "..": no absolute path is
// compiled into the build dir, and a copy of it under another entry is still up to date.
// A build runs in .staging-<key>-<pid>/ and is renamed into place only when it succeeded.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, lockFile } from './cache.js';
import { exists } from './kernel-build-tree.js';

export const BUILD_SUBDIR = '_build';

export interface CacheEntry {
  key: string;
  dir: string;                // <cache>/kernels/src-<key>
  spec: string;               // the spec it was built for (first time)
  tree: { path: string; identity: string; kernelVersion: string };
  patches: { path: string; sha256: string; files: string[] }[];
  /** unmet: options that did not stick; absent: options this tree's Kconfig does not define (older entries lack it). */
  config: { hash: string; fragments: string[]; unmet: string[]; absent?: string[] };
  release: string;            // uname -r of the built kernel
  builtAt: string;            // ISO time
  buildSeconds: number;
  seededFrom: string | null;  // key of the entry whose build dir was reused
}

export function kernelsDir(): string {
  return join(cacheRoot(), 'kernels');
}

export function entryDir(key: string): string {
  return join(kernelsDir(), `src-${key}`);
}

export function stagingDir(key: string): string {
  return join(kernelsDir(), `.staging-${key}-${process.pid}`);
}

export function entryPaths(dir: string): { src: string; build: string; bzImage: string; vmlinux: string; config: string } {
  const src = join(dir, 'src');
  const build = join(src, BUILD_SUBDIR);
  return { src, build, bzImage: join(build, 'arch/x86/boot/bzImage'), vmlinux: join(build, 'vmlinux'), config: join(build, '.config') };
}

/** A finished entry, or null (absent, or not finished: no entry.json or no bzImage). */
export async function readEntry(key: string): Promise<CacheEntry | null> {
  const dir = entryDir(key);
  try {
    const entry = JSON.parse(await readFile(join(dir, 'entry.json'), 'utf8')) as CacheEntry;
    if (!(await exists(entryPaths(dir).bzImage))) return null;
    return { ...entry, dir };
  } catch {
    return null;
  }
}

export async function writeEntry(dir: string, entry: CacheEntry): Promise<void> {
  await writeFile(join(dir, 'entry.json'), JSON.stringify(entry, null, 2) + '\n');
}

/** All finished entries, newest first. */
export async function listEntries(): Promise<CacheEntry[]> {
  let names: string[];
  try { names = await readdir(kernelsDir()); } catch { return []; }
  const entries: CacheEntry[] = [];
  for (const n of names) {
    if (!n.startsWith('src-')) continue;
    const e = await readEntry(n.slice('src-'.length));
    if (e) entries.push(e);
  }
  return entries.sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}

/** Staging dirs of builds whose process is gone (killed mid-build): never trusted, removed. */
export async function removeStaleStaging(): Promise<string[]> {
  let names: string[];
  try { names = await readdir(kernelsDir()); } catch { return []; }
  const removed: string[] = [];
  for (const n of names) {
    const m = /^\.staging-[0-9a-f]+-(\d+)$/.exec(n);
    if (!m || pidAlive(Number(m[1]))) continue;
    await rm(join(kernelsDir(), n), { recursive: true, force: true });
    removed.push(n);
  }
  return removed;
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Which finished build dir to start from (pure). Same config is required (a different config
 * rebuilds nearly everything anyway). Best: the same tree with the fewest differing patches;
 * else the same tree *path* (the user edited their tree: make's timestamps find the edits).
 */
export function chooseSeed(
  entries: CacheEntry[],
  want: { identity: string; path: string; configHash: string; patchShas: string[] },
): CacheEntry | null {
  const sameConfig = entries.filter((e) => e.config.hash === want.configHash);
  const distance = (e: CacheEntry) => {
    const have = e.patches.map((p) => p.sha256);
    return have.filter((s) => !want.patchShas.includes(s)).length + want.patchShas.filter((s) => !have.includes(s)).length;
  };
  const sameTree = sameConfig.filter((e) => e.tree.identity === want.identity).sort((a, b) => distance(a) - distance(b) || a.patches.length - b.patches.length);
  if (sameTree.length) return sameTree[0]!;
  return sameConfig.find((e) => e.tree.path === want.path) ?? null;
}

/**
 * One build per key at a time across processes (tests run in parallel): an O_EXCL lock file with
 * the owner's pid. A lock whose owner is gone is taken over. Returns the release function.
 */
export async function lockKey(key: string, onWait: (msg: string) => void): Promise<() => Promise<void>> {
  return lockFile(join(kernelsDir(), `.lock-${key}`), (owner) => onWait(`another bpf-verdict (pid ${owner}) is building this kernel; waiting for it`));
}

/** Finished entries built with another config than `configHash` (older fragments or toolchain). */
export async function staleEntries(configHash: string): Promise<CacheEntry[]> {
  return (await listEntries()).filter((e) => e.config.hash !== configHash);
}

export async function removeEntry(e: CacheEntry): Promise<void> {
  await rm(e.dir, { recursive: true, force: true });
}
