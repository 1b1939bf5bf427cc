// Build the corpus for one kernel: each C file -> a BPF object, against that kernel's own vmlinux.h,
// through the object cache. A compile error is a result for that file, never an exception for the run.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../shared/errors.js';
import { FileHasher, ObjectCache, cacheRoot, sha256 } from './cache.js';
import { clangErrorSummary, clangIdentity, clangSystemIncludes, compileArgs, compileWithDeps } from './clang.js';

export type BuildOutcome =
  | { source: string; ok: true; object: string; cached: boolean; ms: number }
  | { source: string; ok: false; error: string; stderr: string; ms: number };

export interface BuildOptions {
  /** Path to the target kernel's vmlinux.h (vm/btf.ts vmlinuxHeaderFor). */
  vmlinuxHeader: string;
  includeDirs: string[];
  cflags: string[];
  cache?: ObjectCache;
  concurrency?: number;
  onProgress?: (done: number, total: number, outcome: BuildOutcome) => void;
  /** Said once per event worth a line on stderr (a damaged cached object being rebuilt). */
  onNote?: (message: string) => void;
  /** Stop starting compiles (an interrupted run); the outcomes of files not built are left out. */
  signal?: AbortSignal;
}

/** The directory to pass with -I so that `#include "vmlinux.h"` finds this kernel's header. */
function headerDir(vmlinuxHeader: string, btfId: string): string {
  if (basename(vmlinuxHeader) === 'vmlinux.h') return dirname(vmlinuxHeader);
  const dir = join(cacheRoot(), 'vmlinux', btfId.slice(0, 16));
  if (!existsSync(join(dir, 'vmlinux.h'))) {
    // Copy then rename: a parallel build never includes half a header.
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `vmlinux.h.${process.pid}.tmp`);
    copyFileSync(vmlinuxHeader, tmp);
    renameSync(tmp, join(dir, 'vmlinux.h'));
  }
  return dir;
}

export async function buildObjects(sources: string[], opts: BuildOptions): Promise<BuildOutcome[]> {
  let header: Buffer;
  try {
    header = readFileSync(opts.vmlinuxHeader);
  } catch (err) {
    throw new InputError(opts.vmlinuxHeader, 'cannot read the kernel\'s vmlinux.h', 'regenerate it with: bpf-verdict btf --kernel SPEC', { cause: err });
  }
  // The kernel's BTF identity, as far as compiling is concerned, is the header generated from it.
  const btfId = sha256(header);
  const vmlinuxDir = headerDir(resolve(opts.vmlinuxHeader), btfId);
  const compiler = await clangIdentity();
  const sysDirs = await clangSystemIncludes();
  const cache = opts.cache ?? new ObjectCache();
  const hasher = new FileHasher();
  const results: BuildOutcome[] = new Array(sources.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < sources.length && !opts.signal?.aborted) {
      const i = next++;
      results[i] = await buildOne(resolve(sources[i]!), { compiler, sysDirs, btfId, vmlinuxDir, cache, hasher, opts });
      opts.onProgress?.(++done, sources.length, results[i]!);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), sources.length));
  await Promise.all(Array.from({ length: n }, worker));
  return opts.signal?.aborted ? results.filter((r) => r !== undefined) : results;
}

interface Ctx { compiler: string; sysDirs: string[]; btfId: string; vmlinuxDir: string; cache: ObjectCache; hasher: FileHasher; opts: BuildOptions }

async function buildOne(source: string, c: Ctx): Promise<BuildOutcome> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const content = c.hasher.hash(source);
  if (content === null) return { source, ok: false, error: `${source}: cannot read the source file`, stderr: '', ms: ms() };
  const includeDirs = [...c.opts.includeDirs.map((d) => resolve(d)), c.vmlinuxDir];
  const key = sha256(JSON.stringify([c.compiler, c.btfId, source, content, includeDirs, c.opts.cflags, c.sysDirs]));
  const hit = c.cache.lookup(key, c.hasher, (object, why) => c.opts.onNote?.(`cached object ${object} for ${source} is damaged (${why}); compiling it again`));
  if (hit) return { source, ok: true, object: hit, cached: true, ms: ms() };

  const tmp = c.cache.tmpPath(key);
  const args = compileArgs(source, tmp, includeDirs, c.opts.cflags, c.sysDirs);
  const r = await compileWithDeps(args, tmp, c.opts.signal);
  if (!r.ok) {
    rmSync(tmp, { force: true });
    return { source, ok: false, error: clangErrorSummary(r.stderr) || `${source}: clang failed without a message`, stderr: r.stderr, ms: ms() };
  }
  const vmlinux = join(c.vmlinuxDir, 'vmlinux.h');
  const deps = r.deps.map((d) => resolve(d)).filter((d) => d !== vmlinux && d !== source)
    .flatMap((d) => { const h = c.hasher.hash(d); return h ? [{ path: d, sha256: h }] : []; });
  const object = c.cache.store(key, tmp, { source, deps, command: ['clang-19', ...args] });
  return { source, ok: true, object, cached: false, ms: ms() };
}
