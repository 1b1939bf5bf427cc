// Integrity of published cache entries. A writer seals an entry before publishing it: the size
// and sha256 of each file go into the entry's integrity.json. A reader checks the seal before
// trusting the entry: the size at every use, the content once per file identity (path, size,
// mtime, inode) per process, so a run hashes each file once and a truncated or overwritten file
// (a full disk in an older version, a stray `cp`, a bad sector) is rebuilt instead of booted.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export const SEAL_FILE = 'integrity.json';

interface Seal { files: Record<string, { size: number; sha256: string }> }

const verified = new Map<string, string>();

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** Record size and sha256 of `files` (relative to `dir`) in dir/integrity.json. */
export async function sealEntry(dir: string, files: string[]): Promise<void> {
  const seal: Seal = { files: {} };
  for (const f of files) {
    const p = join(dir, f);
    const st = await stat(p);
    const sha256 = await fileSha256(p);
    seal.files[f] = { size: st.size, sha256 };
    verified.set(identity(p, st), sha256);
  }
  // Write then rename: a reader sees no seal or the whole seal (also when an old entry is adopted).
  const tmp = join(dir, `${SEAL_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(seal, null, 1) + '\n');
  await rename(tmp, join(dir, SEAL_FILE));
}

export type EntryCheck = { ok: true } | { ok: false; reason: string } | { ok: 'unsealed' };

/** Is the entry what its writer sealed? 'unsealed': written before seals existed (the caller may adopt it). */
export async function checkEntry(dir: string, files: string[]): Promise<EntryCheck> {
  let seal: Seal;
  try {
    seal = JSON.parse(await readFile(join(dir, SEAL_FILE), 'utf8')) as Seal;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: 'unsealed' };
    return { ok: false, reason: `${SEAL_FILE} is unreadable (${(err as Error).message})` };
  }
  for (const f of files) {
    const want = seal.files?.[f];
    if (!want) return { ok: false, reason: `${f} is not in ${SEAL_FILE}` };
    const p = join(dir, f);
    const st = await stat(p).catch(() => null);
    if (!st) return { ok: false, reason: `${f} is missing` };
    if (st.size !== want.size) return { ok: false, reason: `${f} is ${st.size} bytes, ${want.size} when it was written (truncated?)` };
    const id = identity(p, st);
    const have = verified.get(id) ?? await fileSha256(p);
    if (have !== want.sha256) return { ok: false, reason: `${f}'s content changed since it was written (sha256 ${have.slice(0, 12)}, recorded ${want.sha256.slice(0, 12)})` };
    verified.set(id, have);
  }
  return { ok: true };
}

/**
 * Move a damaged entry out of the way (rename first: a parallel run either still sees the old
 * entry or none, never a half-deleted one), then delete it. Losing the rename race is fine.
 */
export async function discardEntry(dir: string): Promise<void> {
  const aside = `${dir}.damaged-${process.pid}-${Date.now()}`;
  try {
    await rename(dir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}

function identity(path: string, st: { size: number; mtimeMs: number; ino: number }): string {
  return `${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
}
