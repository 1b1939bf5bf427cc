// Corpus discovery: paths (directories, C files, objects) -> the C sources to build and the
// ready objects, filtered by include/exclude patterns. Directories are searched recursively.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InputError } from '../shared/errors.js';
import { matchesAny } from './glob.js';
import { inKernelRange, parseKernelRange, releaseVersion } from '../expect/kernels.js';

export interface Corpus {
  sources: string[];
  objects: string[];
  /** Each file's path relative to the corpus root it was found under (the file as named, for a file named
   *  explicitly): the same on every machine and checkout, so shards (shard.ts) are keyed by it. */
  keys: Map<string, string>;
  /** Files named explicitly (not found by a directory search): patterns and kernelOnly never drop them. */
  named?: Set<string>;
}

export function discoverCorpus(paths: string[], include: string[], exclude: string[]): Corpus {
  const sources = new Set<string>();
  const objects = new Set<string>();
  const keys = new Map<string, string>();
  const named = new Set<string>();
  const add = (file: string, key: string) => {
    if (file.endsWith('.c')) sources.add(file);
    else if (file.endsWith('.o')) objects.add(file);
    if (!keys.has(file)) keys.set(file, key.split(sep).join('/'));
  };
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try { st = statSync(abs); } catch {
      throw new InputError(p, 'no such file or directory', 'name corpus directories, .c files or .o files (bpf-verdict.yaml "corpus:" or arguments)');
    }
    if (st.isFile()) {
      // A file named explicitly is always taken (patterns filter directory searches).
      if (!abs.endsWith('.c') && !abs.endsWith('.o')) throw new InputError(p, 'not a .c source or a .o BPF object');
      add(abs, relative(process.cwd(), abs).startsWith('..') ? abs : relative(process.cwd(), abs));
      named.add(abs);
      continue;
    }
    for (const file of walk(abs)) {
      const rel = relative(abs, file);
      if (matchesAny(rel, include) && !matchesAny(rel, exclude)) add(file, rel);
    }
  }
  return { sources: [...sources].sort(), objects: [...objects].sort(), keys, named };
}

/**
 * The corpus one kernel runs: files matched by a kernelOnly glob stay only when the kernel's
 * version is inside its range (an unknown version is inside none). Files named explicitly (not
 * found by a directory search) are always kept, as with exclude.
 */
export function corpusForKernel(c: Corpus, only: readonly { glob: string; range: string }[], release: string | null | undefined): { corpus: Corpus; left: string[] } {
  if (!only.length) return { corpus: c, left: [] };
  const version = release ? releaseVersion(release) : null;
  const left: string[] = [];
  const keep = (f: string): boolean => {
    const rel = c.keys.get(f);
    if (rel === undefined || c.named?.has(f)) return true;
    const miss = only.find((o) => matchesAny(rel, [o.glob]) && !(version && inKernelRange(parseKernelRange(o.range), version)));
    if (miss) left.push(`${rel} (kernelOnly ${o2s(miss)})`);
    return !miss;
  };
  return { corpus: { sources: c.sources.filter(keep), objects: c.objects.filter(keep), keys: c.keys, named: c.named }, left };
}

const o2s = (o: { glob: string; range: string }): string => `"${o.glob}": "${o.range}"`;

function* walk(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}
