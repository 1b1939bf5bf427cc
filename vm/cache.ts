// Where cached artefacts live: $XDG_CACHE_HOME/bpf-verdict (default ~/.cache/bpf-verdict).
// Writers build into a temporary sibling and rename, so a crashed run never leaves a
// half-written entry that a later run would trust.
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'bpf-verdict');
}

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
