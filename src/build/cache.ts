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
  /** The cached object when present and every recorded dependency still has its recorded content. */
  lookup(key: string, hasher: FileHasher): string | null {
    const p = this.paths(key);
    if (!existsSync(p.object) || !existsSync(p.manifest)) return null;
    let m: Manifest;
    try { m = JSON.parse(readFileSync(p.manifest, 'utf8')) as Manifest; } catch { return null; }
    for (const dep of m.deps) if (hasher.hash(dep.path) !== dep.sha256) return null;
    return p.object;
  }
  /** Install a freshly compiled object (written next to its final place, then renamed: atomic). */
  store(key: string, tmpObject: string, manifest: Manifest): string {
    const p = this.paths(key);
    mkdirSync(join(p.object, '..'), { recursive: true });
    renameSync(tmpObject, p.object);
    const tmp = `${p.manifest}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(manifest, null, 1));
    renameSync(tmp, p.manifest);
    return p.object;
  }
  tmpPath(key: string): string {
    const d = join(this.dir, key.slice(0, 2));
    mkdirSync(d, { recursive: true });
    return join(d, `${key}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp.o`);
  }
}
