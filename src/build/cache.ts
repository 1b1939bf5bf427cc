// The object cache. An entry is keyed by everything that decides the object's bytes: compiler
// identity, flags, the source (path + content) and the kernel's BTF identity (its vmlinux.h);
// the entry's manifest then lists every header the compile read, with content hashes, so an edited
// header invalidates it (ccache's "direct mode"). A warm run hashes files and compiles nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../shared/cache-root.js';

// One cache root for kernels, images, BTF and objects alike (vm/cache.ts decides where it is).
export { cacheRoot };

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hashes file contents once per run (headers are shared by most of the corpus). */
export class FileHasher {
  private readonly memo = new Map<string, string | null>();
  hash(path: string): string | null {
    let h = this.memo.get(path);
    if (h === undefined) {
      try { h = sha256(readFileSync(path)); } catch { h = null; }
      this.memo.set(path, h);
    }
    return h;
  }
}

export interface Manifest {
  source: string;
  /** The object as written: checked at every lookup, so a truncated or overwritten object is rebuilt. */
  object: { size: number; sha256: string };
  deps: { path: string; sha256: string }[];
  command: string[];
}

export class ObjectCache {
  readonly dir: string;
  constructor(root = cacheRoot()) {
    this.dir = join(root, 'objects');
  }
  paths(key: string): { object: string; manifest: string } {
    const d = join(this.dir, key.slice(0, 2));
    return { object: join(d, `${key}.o`), manifest: join(d, `${key}.json`) };
  }
  /**
   * The cached object when present, intact, and every recorded dependency still has its recorded
   * content. A damaged object is reported through `onDamaged` and treated as a miss (the rebuild's
   * rename replaces it).
   */
  lookup(key: string, hasher: FileHasher, onDamaged?: (object: string, reason: string) => void): string | null {
    const p = this.paths(key);
    if (!existsSync(p.object) || !existsSync(p.manifest)) return null;
    let m: Manifest;
    try { m = JSON.parse(readFileSync(p.manifest, 'utf8')) as Manifest; } catch { return null; }
    if (!m.object) return null;   // written before objects were sealed: compile once more
    for (const dep of m.deps) if (hasher.hash(dep.path) !== dep.sha256) return null;
    let bytes: Buffer;
    try { bytes = readFileSync(p.object); } catch { return null; }
    const damage = bytes.length !== m.object.size ? `${bytes.length} bytes, ${m.object.size} when it was written (truncated?)`
      : sha256(bytes) !== m.object.sha256 ? 'its content changed since it was written' : null;
    if (damage) {
      onDamaged?.(p.object, damage);
      return null;
    }
    return p.object;
  }
  /**
   * Install a freshly compiled object (written next to its final place, then renamed: atomic).
   * Manifest first, then the object: every object for one key has the same bytes, so a reader
   * never pairs a good object with a manifest that does not fit it.
   */
  store(key: string, tmpObject: string, manifest: Omit<Manifest, 'object'>): string {
    const p = this.paths(key);
    mkdirSync(join(p.object, '..'), { recursive: true });
    const bytes = readFileSync(tmpObject);
    const tmp = `${p.manifest}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...manifest, object: { size: bytes.length, sha256: sha256(bytes) } }, null, 1));
    renameSync(tmp, p.manifest);
    renameSync(tmpObject, p.object);
    return p.object;
  }
  tmpPath(key: string): string {
    const d = join(this.dir, key.slice(0, 2));
    mkdirSync(d, { recursive: true });
    return join(d, `${key}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp.o`);
  }
}
