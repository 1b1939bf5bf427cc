// The VM side's cache directories under cacheRoot() (src/shared/cache-root.ts).
// Writers build into a temporary sibling and rename, so a crashed run never leaves a
// half-written entry that a later run would trust.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../src/shared/cache-root.js';

export { cacheRoot };

export async function cacheDir(...parts: string[]): Promise<string> {
  const dir = join(cacheRoot(), ...parts);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Run `fill(tmpDir)` then move tmpDir to `finalDir` (replacing nothing that already won the race). */
export async function publishDir(finalDir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await renameIntoPlace(tmp, finalDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Rename a finished `tmp` to `finalDir`; if another run published `finalDir` first, keep theirs (the caller removes tmp). */
export async function renameIntoPlace(tmp: string, finalDir: string): Promise<void> {
  await rename(tmp, finalDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  });
}
