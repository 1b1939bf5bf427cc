// libbpf and bpftool built from a kernel tree's own tools/: libbpf.a (position-independent, for
// the addon to link statically) with its headers, and bpftool's bootstrap binary (the minimal
// feature set: libelf and zlib only, no LLVM, libbfd, libcap or libcrypto; `btf dump ... format c`
// is all we ask of it). Cached under <cache>/tools/<libbpf-VERSION-hash>/, built in a temporary
// sibling and renamed into place. The tree is only read: every output goes through OUTPUT=.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, writeFile, rm, cp } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { BpfVerdictError, tailLines } from '../src/shared/errors.js';
import { cacheDir, lockFile, publishDir } from './cache.js';
import { readMarker } from './kernel-build-tree.js';
import { definedApis, libbpfVersionFromMap, parseBpftoolVersion, toolsBuildKey, type OptionalLibbpfApi, type TreeFile } from './tools-key.js';

/** Bump when the build recipe changes (flags, targets): every tools build is redone. */
const RECIPE = 'v1 libbpf:BUILD_STATIC_ONLY,-fPIC,-O2 bpftool:bootstrap,SKIP_CRYPTO';
/** The parts of tools/ that libbpf's and bpftool's builds read. */
const INPUT_DIRS = ['tools/lib/bpf', 'tools/bpf/bpftool', 'tools/include', 'tools/arch/x86/include', 'tools/build', 'tools/scripts'];
export const TOOLS_MANIFEST = 'tools.json';

export interface ToolsBuild {
  dir: string;
  tree: string;
  /** "linux-source-7.3 7.3.4-1~bpo13+1" for a fetched Debian tree, else "linux 7.3.4 at PATH". */
  treeLabel: string;
  libbpfVersion: string;       // "1.8.0"
  libbpfArchive: string;       // <dir>/libbpf.a
  includeDir: string;          // <dir>/include (bpf/libbpf.h ...)
  apis: OptionalLibbpfApi[];   // optional libbpf APIs libbpf.a defines
  bpftool: string;             // <dir>/bpftool
  bpftoolVersion: string;      // "7.8.0"
  buildSeconds: number;        // how long the cold build took (for the record; never asserted)
}

export class ToolsBuildError extends BpfVerdictError {
  override name = 'ToolsBuildError';
  constructor(message: string, readonly evidence: string[] = [], hint?: string, readonly logFile?: string) {
    super(message, hint);
  }
  override describe(): string {
    const parts = [this.message];
    if (this.evidence.length) parts.push(tailLines(this.evidence, 30).replace(/^/gm, '  | '));
    if (this.logFile) parts.push(`  full log: ${this.logFile}`);
    if (this.hint) parts.push(`  hint: ${this.hint}`);
    return parts.join('\n');
  }
}

/** The tree's libbpf version, or a ToolsBuildError naming what is missing. */
export async function treeLibbpfVersion(tree: string): Promise<string> {
  const map = join(tree, 'tools/lib/bpf/libbpf.map');
  let text: string;
  try {
    text = await readFile(map, 'utf8');
  } catch {
    throw new ToolsBuildError(`${tree} has no tools/lib/bpf/libbpf.map: not a kernel tree with libbpf (libbpf is in the kernel tree since 4.14)`, [],
      'give a Linux source tree (e.g. bpf-verdict kernel fetch debian-source:7.3), or --tools debian for Debian\'s libbpf');
  }
  const v = libbpfVersionFromMap(text);
  if (!v) throw new ToolsBuildError(`${map} names no LIBBPF_x.y.z version node`, [], 'is the tree complete?');
  return v;
}

export async function treeLabel(tree: string): Promise<string> {
  const marker = await readMarker(tree);
  if (marker) return `${marker.package} ${marker.version}`;
  const makefile = await readFile(join(tree, 'Makefile'), 'utf8').catch(() => '');
  const v = (k: string) => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(makefile)?.[1] ?? '';
  return v('VERSION') ? `linux ${v('VERSION')}.${v('PATCHLEVEL')}${v('SUBLEVEL') ? '.' + v('SUBLEVEL') : ''}${v('EXTRAVERSION')} at ${tree}` : tree;
}

async function inputFiles(tree: string): Promise<TreeFile[]> {
  const out: TreeFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try { entries = await readdir(join(tree, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push({ path: p, sha256: createHash('sha256').update(await readFile(join(tree, p))).digest('hex') });
    }
  };
  for (const d of INPUT_DIRS) await walk(d);
  return out;
}

/** Build (or reuse) libbpf and bpftool from `tree`. */
export async function buildTreeTools(treePath: string, progress: (m: string) => void = () => {}): Promise<ToolsBuild> {
  const tree = resolve(treePath);
  const libbpfVersion = await treeLibbpfVersion(tree);
  const key = toolsBuildKey(libbpfVersion, await inputFiles(tree), RECIPE);
  const dir = join(await cacheDir('tools'), key);
  const manifest = join(dir, TOOLS_MANIFEST);
  // The label is this tree's, not the cached build's: trees with the same tools/ share one build.
  const label = await treeLabel(tree);
  const cached = async () => ({ ...(JSON.parse(await readFile(manifest, 'utf8')) as ToolsBuild), dir, tree, treeLabel: label, ...paths(dir) });
  if (existsSync(manifest)) return cached();
  // One build per key at a time: libbpf's and bpftool's makefiles build helpers (fixdep) inside
  // the tree itself, so two builds of one tree at once break each other.
  const unlock = await lockFile(join(await cacheDir('tools'), `.lock-${key}`),
    (owner) => progress(`another bpf-verdict (pid ${owner}) is building libbpf ${libbpfVersion} from this tree; waiting for it`));
  try {
    if (existsSync(manifest)) return await cached();
    return await buildLocked();
  } finally {
    await unlock();
  }

  async function buildLocked(): Promise<ToolsBuild> {
  progress(`building libbpf ${libbpfVersion} and bpftool from ${label} (tools/lib/bpf, tools/bpf/bpftool; 1-2 min on 2 cores, once per libbpf version)`);
  const t0 = performance.now();
  await publishDir(dir, async (tmp) => {
    const log = join(tmp, 'build.log');
    const jobs = `-j${Math.max(1, availableParallelism())}`;
    const make = async (what: string, args: string[]) => {
      for (const a of args) if (a.startsWith('OUTPUT=')) await mkdir(a.slice('OUTPUT='.length), { recursive: true }); // kbuild wants it to exist
      const r = await execa('make', args, { reject: false, all: true, env: { LC_ALL: 'C' } });
      await writeFile(log, `$ make ${args.join(' ')}\n${r.all ?? ''}\n`, { flag: 'a' });
      if (r.exitCode !== 0) {
        const kept = join(await cacheDir('tools', 'logs'), `${key}-${Date.now()}.log`);
        await copyFile(log, kept);
        const lines = (r.all ?? '').split('\n');
        const errors = lines.filter((l) => /error|not found|No such file/i.test(l));
        throw new ToolsBuildError(`building ${what} from ${tree} failed (make exit ${r.exitCode ?? r.signal})`, errors.length ? errors : lines.slice(-20),
          'libbpf needs gcc, make, libelf-dev and zlib1g-dev (bash scripts/setup.sh installs them); or use --tools debian', kept);
      }
    };
    // EXTRA_CFLAGS=-fPIC: libbpf.a goes into a shared object (the addon).
    await make('libbpf', ['-s', '-C', join(tree, 'tools/lib/bpf'), `OUTPUT=${join(tmp, 'libbpf-build')}/`, 'BUILD_STATIC_ONLY=1',
      'EXTRA_CFLAGS=-fPIC -O2 -g0', `DESTDIR=${join(tmp, 'libbpf-install')}`, 'prefix=/', jobs, 'install']);
    await make('bpftool', ['-s', '-C', join(tree, 'tools/bpf/bpftool'), `OUTPUT=${join(tmp, 'bpftool-build')}/`, 'SKIP_CRYPTO=1',
      'EXTRA_CFLAGS=-O2 -g0', jobs, 'bootstrap']);

    const archive = await findFile(join(tmp, 'libbpf-install'), 'libbpf.a');
    if (!archive) throw new ToolsBuildError(`libbpf's make install left no libbpf.a under ${join(tmp, 'libbpf-install')}`, [], undefined, log);
    await copyFile(archive, join(tmp, 'libbpf.a'));
    await cp(join(tmp, 'libbpf-install', 'include'), join(tmp, 'include'), { recursive: true });
    await copyFile(join(tmp, 'bpftool-build', 'bootstrap', 'bpftool'), join(tmp, 'bpftool'));
    const ver = parseBpftoolVersion((await execa(join(tmp, 'bpftool'), ['version'], { reject: false })).stdout);
    if (!ver) throw new ToolsBuildError(`the bpftool built from ${tree} does not run ('bpftool version' printed no version)`, [], undefined, log);
    const nm = await execa('nm', ['--defined-only', join(tmp, 'libbpf.a')], { reject: false, maxBuffer: 64 << 20 });
    const build: Omit<ToolsBuild, 'dir' | 'libbpfArchive' | 'includeDir' | 'bpftool'> = {
      tree, treeLabel: label, libbpfVersion, apis: definedApis(nm.stdout), bpftoolVersion: ver.bpftool,
      buildSeconds: Math.round((performance.now() - t0) / 100) / 10,
    };
    for (const d of ['libbpf-build', 'libbpf-install', 'bpftool-build']) await rm(join(tmp, d), { recursive: true, force: true });
    await writeFile(join(tmp, TOOLS_MANIFEST), JSON.stringify(build, null, 2) + '\n');
  });
  progress(`libbpf ${libbpfVersion} and bpftool built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return cached();
  }
}

function paths(dir: string): Pick<ToolsBuild, 'libbpfArchive' | 'includeDir' | 'bpftool'> {
  return { libbpfArchive: join(dir, 'libbpf.a'), includeDir: join(dir, 'include'), bpftool: join(dir, 'bpftool') };
}

async function findFile(root: string, name: string): Promise<string | null> {
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === name) return join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
  }
  return null;
}
