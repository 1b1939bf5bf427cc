// Kernel trees on disk: what a tree is (its identity), copying it cheaply, patching the copy.
// The user's tree is only ever read: copies are hardlink farms, and every file a patch touches is
// replaced by a private copy before `patch` runs, so no write can reach the user's inode.
import { copyFile, readFile, rename, stat, utimes, access, readdir, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { sha256, patchedFiles, kconfigSymbols } from './kernel-build-key.js';
import { KernelBuildError } from './kernel-build-errors.js';

/** Written by `kernel fetch` into a tree's root: where it came from and what it looked like. */
export const TREE_MARKER = '.bpf-verdict-tree.json';

export interface TreeMarker {
  source: 'debian-source';
  package: string;          // linux-source-6.12
  version: string;          // 6.12.117-1~deb12u1
  fingerprint: string;      // treeFingerprint() right after unpacking
}

export interface TreeInfo {
  path: string;             // absolute
  identity: string;         // the cache key's tree part
  label: string;            // short, human: "6.12.117" or the directory name
  kernelVersion: string;    // from the top Makefile
  modified?: boolean;       // a fetched tree whose files changed since the fetch
}

/** A kernel tree: a directory whose Makefile sets VERSION/PATCHLEVEL and has a kernel/ dir. */
export async function checkTree(path: string): Promise<{ path: string; kernelVersion: string }> {
  const abs = resolve(path);
  let makefile: string;
  try {
    makefile = await readFile(join(abs, 'Makefile'), 'utf8');
    await access(join(abs, 'kernel', 'bpf', 'verifier.c'));
  } catch {
    throw new KernelBuildError('tree', `${abs} is not a kernel source tree (no Makefile or kernel/bpf/verifier.c)`, [],
      'give src:PATH a Linux checkout, or get one with: bpf-verdict kernel fetch debian-source:6.12');
  }
  // [ \t], not \s: an empty `EXTRAVERSION =` must not swallow the next line.
  const v = (k: string) => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(makefile)?.[1] ?? '';
  if (!v('VERSION')) throw new KernelBuildError('tree', `${abs}/Makefile is not a kernel Makefile (no VERSION)`);
  // kbuild refuses O= builds of a tree that was configured in place; say so before copying anything.
  for (const f of ['.config', 'include/config']) {
    if (await exists(join(abs, f))) {
      throw new KernelBuildError('tree', `${abs} has been configured or built in place (${f} exists)`, [],
        `kbuild only builds clean trees out of tree: use a clean worktree (git worktree add) or run 'make mrproper' in ${abs}`);
    }
  }
  const sub = v('SUBLEVEL');
  return { path: abs, kernelVersion: `${v('VERSION')}.${v('PATCHLEVEL')}${sub ? '.' + sub : ''}${v('EXTRAVERSION')}` };
}

/**
 * Names, sizes and mtimes of every file (not directories, not .git): any edit changes it. Paths are
 * relative, so the same tree unpacked elsewhere has the same fingerprint.
 */
export async function treeFingerprint(path: string): Promise<string> {
  const { stdout } = await execa('find', ['.', '-path', './.git', '-prune', '-o', '(', '-type', 'f', '-o', '-type', 'l', ')',
    '-printf', '%P\t%s\t%T@\n'], { cwd: path, maxBuffer: 512 * 1024 * 1024 });
  const lines = stdout.split('\n').filter((l) => l && !l.startsWith(TREE_MARKER + '\t'));
  lines.sort();
  return sha256(lines.join('\n'));
}

/** Identity: a fetched, unmodified Debian tree is its package version; anything else its fingerprint. */
export async function treeInfo(path: string): Promise<TreeInfo> {
  const { path: abs, kernelVersion } = await checkTree(path);
  const fingerprint = await treeFingerprint(abs);
  const marker = await readMarker(abs);
  if (marker && marker.fingerprint === fingerprint) {
    return { path: abs, identity: `${marker.source}:${marker.package}=${marker.version}`, label: kernelVersion, kernelVersion };
  }
  return {
    path: abs, identity: `tree:${fingerprint}`, label: kernelVersion, kernelVersion,
    ...(marker ? { modified: true } : {}),
  };
}

export async function readMarker(treePath: string): Promise<TreeMarker | null> {
  try {
    return JSON.parse(await readFile(join(treePath, TREE_MARKER), 'utf8')) as TreeMarker;
  } catch {
    return null;
  }
}

/** Hardlink copy of a tree (cheap: no data is copied), without .git and our marker. */
export async function linkCopy(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const names = (await readdir(from)).filter((n) => n !== '.git' && n !== TREE_MARKER);
  try {
    // One cp for the whole list: --no-target-directory semantics are not needed, -t puts all in `to`.
    await execa('cp', ['-al', ...names.map((n) => join(from, n)), '-t', to]);
  } catch (err) {
    throw new KernelBuildError('tree', `could not hardlink-copy ${from} to ${to}`, [String((err as { stderr?: string }).stderr ?? err)],
      'the kernel cache must be on the same filesystem as the tree (set XDG_CACHE_HOME), and the disk must have free inodes');
  }
}

/** Replace a hardlinked file by a private copy (same mtime), so writing to it cannot reach other links. */
export async function privatize(file: string): Promise<void> {
  let st;
  try { st = await stat(file); } catch { return; } // a file the patch creates
  if (st.nlink <= 1) return;
  const tmp = `${file}.bpfv-private`;
  await copyFile(file, tmp);
  await utimes(tmp, st.atime, st.mtime);
  await rename(tmp, file);
}

/** Mark files changed (mtime = now) after making them private, so make rebuilds what uses them. */
export async function touchPrivate(root: string, files: string[]): Promise<void> {
  const now = new Date();
  for (const f of files) {
    const p = join(root, f);
    await privatize(p);
    if (await exists(p)) await utimes(p, now, now);
  }
}

/** Apply patches in order to a copy; a patch that does not apply is a typed error with patch's output. */
export async function applyPatches(copy: string, patches: { path: string; text: string }[]): Promise<void> {
  for (const p of patches) {
    for (const f of patchedFiles(p.text)) await privatize(join(copy, f));
    const r = await execa('patch', ['-p1', '--batch', '--forward', '--no-backup-if-mismatch', '-r', '-', '-i', p.path],
      { cwd: copy, reject: false, all: true });
    if (r.exitCode !== 0) {
      throw new KernelBuildError('patch', `patch ${p.path} does not apply to the tree`, (r.all ?? '').split('\n').filter(Boolean),
        'rebase the patch on this tree (it is applied with patch -p1, after the patches before it)');
    }
  }
}

export async function exists(p: string): Promise<boolean> {
  try { await access(p); return true; } catch { return false; }
}

/** Every Kconfig symbol the tree defines (all architectures: a symbol's home may be arch/). */
export async function treeKconfigSymbols(tree: string): Promise<Set<string>> {
  const texts: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name === '_build') continue;
        await walk(join(d, e.name));
      } else if (e.name.startsWith('Kconfig')) texts.push(await readFile(join(d, e.name), 'utf8'));
    }
  };
  await walk(tree);
  return kconfigSymbols(texts);
}
