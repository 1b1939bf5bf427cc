// src:TREE[+A.patch...] -> a bzImage built from the tree with kernel-config/ merged onto tinyconfig.
// Cached by (tree identity, patch contents, config + toolchain); a new patch set starts from the
// closest finished build dir, so a one-file change to verifier.c recompiles that file and relinks.
// Flow: inputs -> key -> cache hit? -> staging copy (+ seed build dir) -> patch -> config -> make -> publish.
import { existsSync } from 'node:fs';
import { readdir, readFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { execa } from 'execa';
import type { KernelImage, ResolveOptions } from './kernel.js';
import { renameIntoPlace } from './cache.js';
import { buildKey, configHash, formatSrcSpec, patchedFiles, sha256, type Fragment, type SrcKernelSpec } from './kernel-build-key.js';
import { applyPatches, linkCopy, touchPrivate, treeInfo } from './kernel-build-tree.js';
import {
  chooseSeed, entryDir, entryPaths, kernelsDir, listEntries, lockKey, readEntry, removeStaleStaging, stagingDir, writeEntry, type CacheEntry,
} from './kernel-build-cache.js';
import { configure, makeBzImage, toolchain } from './kernel-build-make.js';
import { KernelBuildError } from './kernel-build-errors.js';

export interface BuildOptions extends ResolveOptions {
  /** Extra config fragments merged after the project's (also: $BPF_VERDICT_KERNEL_FRAGMENTS, ':'-separated). */
  fragments?: string[];
  /** make -j (default: all CPUs). */
  jobs?: number;
}

/** What a source build returns: H's KernelImage plus where it came from. */
export interface SourceKernelImage extends KernelImage {
  release: string;
  vmlinux: string;
  config: string;
  built: boolean;          // false: taken from the cache, nothing was compiled
  buildSeconds: number;
  entry: CacheEntry;
}

/** The project's fragments: kernel-config/ next to package.json (from vm/ or dist/vm/). */
export function projectConfigDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'kernel-config'))) return join(dir, 'kernel-config');
  }
  throw new KernelBuildError('config', 'kernel-config/ not found next to the installed bpf-verdict', [], 'reinstall bpf-verdict');
}

export async function loadFragments(extra: string[] = []): Promise<{ path: string; fragment: Fragment }[]> {
  const dir = projectConfigDir();
  const own = (await readdir(dir)).filter((n) => n.endsWith('.config')).sort().map((n) => join(dir, n));
  const env = (process.env.BPF_VERDICT_KERNEL_FRAGMENTS ?? '').split(':').filter(Boolean);
  const out: { path: string; fragment: Fragment }[] = [];
  for (const p of [...own, ...extra, ...env].map((p) => resolve(p))) {
    let text: string;
    try { text = await readFile(p, 'utf8'); } catch {
      throw new KernelBuildError('config', `config fragment ${p} cannot be read`, [], 'give the path of a file of CONFIG_X=y lines');
    }
    out.push({ path: p, fragment: { name: basename(p), text } });
  }
  return out;
}

export async function readPatches(paths: string[]): Promise<{ path: string; text: string; sha256: string; files: string[] }[]> {
  const out = [];
  for (const p of paths.map((x) => resolve(x))) {
    let text: string;
    try { text = await readFile(p, 'utf8'); } catch {
      throw new KernelBuildError('patch', `patch ${p} cannot be read`, [], 'src:TREE+PATCH wants the path of a unified diff (git format-patch output works)');
    }
    const files = patchedFiles(text);
    if (!files.length) throw new KernelBuildError('patch', `${p} is not a patch (no ---/+++ file headers)`, [], 'give a unified diff made with git diff or git format-patch');
    out.push({ path: p, text, sha256: sha256(text), files });
  }
  return out;
}

/** The config part of the key for these fragments with this machine's toolchain. */
export async function currentConfigHash(fragments: { fragment: Fragment }[]): Promise<string> {
  return configHash('tinyconfig x86_64', fragments.map((f) => f.fragment), await toolchain());
}

export async function buildSourceKernel(spec: SrcKernelSpec, opts: BuildOptions = {}): Promise<SourceKernelImage> {
  const progress = opts.onProgress ?? ((m: string) => process.stderr.write(`kernel build: ${m}\n`));
  const specText = formatSrcSpec(spec);
  const tree = await treeInfo(spec.tree);
  if (tree.modified) progress(`${tree.path} changed since it was fetched: keyed by its contents, not its package version`);
  const patches = await readPatches(spec.patches);
  const fragments = await loadFragments(opts.fragments);
  const config = await currentConfigHash(fragments);
  const key = buildKey({ tree: tree.identity, patches: patches.map((p) => p.sha256), config });

  const hit = await readEntry(key);
  if (hit) {
    progress(`cached: ${hit.release} (${hit.dir})`);
    return image(specText, hit, false, 0);
  }

  await mkdir(kernelsDir(), { recursive: true });
  const unlock = await lockKey(key, progress);
  try {
    // Whoever held the lock may have built it meanwhile.
    const built = await readEntry(key);
    if (built) return image(specText, built, false, 0);
    return await buildLocked({ key, specText, tree, patches, fragments, config, jobs: opts.jobs, progress });
  } finally {
    await unlock();
  }
}

interface BuildContext {
  key: string;
  specText: string;
  tree: Awaited<ReturnType<typeof treeInfo>>;
  patches: Awaited<ReturnType<typeof readPatches>>;
  fragments: Awaited<ReturnType<typeof loadFragments>>;
  config: string;
  jobs?: number;
  progress: (m: string) => void;
}

/** Copy, seed, patch, configure, make, publish: under the key's lock, after a cache miss. */
async function buildLocked(ctx: BuildContext): Promise<SourceKernelImage> {
  const { key, specText, tree, patches, fragments, config, progress } = ctx;
  await removeStaleStaging();
  const seed = chooseSeed(await listEntries(), { identity: tree.identity, path: tree.path, configHash: config, patchShas: patches.map((p) => p.sha256) });
  const staging = stagingDir(key);
  const logDir = join(kernelsDir(), 'logs');
  await mkdir(logDir, { recursive: true });
  const logFile = join(logDir, `src-${key}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const started = Date.now();
  await rm(staging, { recursive: true, force: true });
  try {
    const paths = entryPaths(staging);
    progress(`${specText}: copying the tree (hardlinks) to ${staging}`);
    await linkCopy(tree.path, paths.src);
    if (seed) {
      progress(`reusing the build dir of ${seed.spec} (${seed.key}): only what changed is rebuilt`);
      await execa('cp', ['-a', '--reflink=auto', entryPaths(seed.dir).build, paths.build]);
      // Files the seed's patches changed are back to the tree's version here: make must see them as new.
      await touchPrivate(paths.src, [...new Set(seed.patches.flatMap((p) => p.files))]);
    }
    await applyPatches(paths.src, patches);
    let unmet: string[] = seed ? seed.config.unmet : [];
    let absent: string[] = seed ? seed.config.absent ?? [] : [];
    if (!seed) {
      await mkdir(paths.build, { recursive: true });
      const got = await configure(paths.src, fragments, { progress, logFile });
      unmet = got.unmet.map((m) => `${m.option}=${m.requested} (got ${m.actual}; ${m.fragment})`);
      absent = got.absent.map((a) => `${a.option} (${a.fragment})`);
      for (const u of unmet) progress(`warning: config option not set as requested: ${u}`);
      if (absent.length) progress(`note: not defined in this tree's Kconfig, skipped: ${absent.join(', ')}`);
    }
    progress(`make -j${ctx.jobs ?? availableParallelism()} bzImage in ${paths.build} (${seed ? 'incremental: a few minutes' : 'from scratch: ~10-25 min on 2 cores'}; full output: ${logFile})`);
    const release = await makeBzImage(paths.src, { jobs: ctx.jobs, progress, logFile });
    const entry: CacheEntry = {
      key, dir: entryDir(key), spec: specText,
      tree: { path: tree.path, identity: tree.identity, kernelVersion: tree.kernelVersion },
      patches: patches.map((p) => ({ path: p.path, sha256: p.sha256, files: p.files })),
      config: { hash: config, fragments: fragments.map((f) => f.path), unmet, absent },
      release,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
      seededFrom: seed?.key ?? null,
    };
    await writeEntry(staging, entry);
    await rename(logFile, join(staging, 'build.log')).catch(() => undefined);
    await renameIntoPlace(staging, entryDir(key));
    await rm(staging, { recursive: true, force: true }); // still there only if another run published this key first
    const done = await readEntry(key);
    if (!done) throw new KernelBuildError('make', `build of ${specText} finished but ${entryDir(key)} has no bzImage`, [], 'report this bug', logFile);
    return image(specText, done, true, entry.buildSeconds);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (err instanceof KernelBuildError) throw err;
    throw new KernelBuildError('make', `building ${specText} failed: ${(err as Error).message}`, [], undefined, logFile, { cause: err });
  }
}

function image(spec: string, e: CacheEntry, built: boolean, seconds: number): SourceKernelImage {
  const p = entryPaths(e.dir);
  return {
    spec, bzImage: p.bzImage, id: `src-${e.key}`, version: e.tree.kernelVersion,
    release: e.release, vmlinux: p.vmlinux, config: p.config, built, buildSeconds: seconds, entry: e,
  };
}
