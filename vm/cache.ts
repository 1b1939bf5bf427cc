// The VM side's cache directories under cacheRoot() (src/shared/cache-root.ts).
// Writers build into a temporary sibling and rename, so a crashed run never leaves a
// half-written entry that a later run would trust.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { cacheRoot } from '../src/shared/cache-root.js';
import { CacheFullError, isNoSpace } from './errors.js';

export { cacheRoot };

export async function cacheDir(...parts: string[]): Promise<string> {
  const dir = join(cacheRoot(), ...parts);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Run `fill(tmpDir)` then move tmpDir to `finalDir` (replacing nothing that already won the race).
 * A full disk becomes a CacheFullError naming `finalDir` (`what` says what was being written);
 * the temporary directory is removed whatever happens.
 */
export async function publishDir(finalDir: string, fill: (tmp: string) => Promise<void>, what = 'a cache entry'): Promise<void> {
  await sweepAbandoned(finalDir);
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(tmp, { recursive: true });
    await fill(tmp);
    await renameIntoPlace(tmp, finalDir);
  } catch (err) {
    if (isNoSpace(err) && !(err instanceof CacheFullError)) throw new CacheFullError(finalDir, what, { cause: err });
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Temporary siblings of `finalDir` left by a process that no longer exists (killed mid-write). */
async function sweepAbandoned(finalDir: string): Promise<void> {
  const prefix = `${basename(finalDir)}.`;
  const names = await readdir(dirname(finalDir)).catch(() => [] as string[]);
  for (const n of names) {
    const m = /^\.(?:tmp|damaged)-(\d+)-\d+$/.exec(n.slice(prefix.length - 1));
    if (!n.startsWith(prefix) || !m || pidAlive(Number(m[1]))) continue;
    await rm(join(dirname(finalDir), n), { recursive: true, force: true });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Rename a finished `tmp` to `finalDir`; if another run published `finalDir` first, keep theirs (the caller removes tmp). */
export async function renameIntoPlace(tmp: string, finalDir: string): Promise<void> {
  await rename(tmp, finalDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  });
}

/**
 * One writer of an entry at a time across processes: an O_EXCL lock file holding the owner's pid;
 * a lock whose owner is gone is taken over. `onWait` is called once if another process holds it.
 * Returns the release function.
 */
export async function lockFile(file: string, onWait: (owner: number) => void): Promise<() => Promise<void>> {
  let told = false;
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(file, 'utf8').catch(() => '0'));
    if (!owner || !pidAlive(owner)) { await rm(file, { force: true }); continue; }
    if (!told) { onWait(owner); told = true; }
    await new Promise((r) => setTimeout(r, 3000));
  }
}
