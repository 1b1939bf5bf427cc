// veristat (tools/testing/selftests/bpf/veristat.c), the kernel's own tool for verifier statistics,
// built from a kernel tree against that tree's libbpf (vm/tools-build.ts), statically, so it runs in
// a guest image that carries no libc of its own beyond what node needs. bench/veristat.ts runs it
// beside bpf-verdict's loader. Cached under <cache>/veristat/<key>/veristat, keyed by veristat.c,
// the libbpf build, the compiler and the recipe; built in a temporary sibling and renamed into place.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
import { buildTreeTools, ToolsBuildError, treeLabel, type ToolsBuild } from './tools-build.js';

/** Bump when the compile line changes. */
const RECIPE = 'v1 gcc -O2 -static libbpf.a -lelf -lz -lm -lpthread';
export const VERISTAT_SOURCE = 'tools/testing/selftests/bpf/veristat.c';

export interface VeristatBuild {
  path: string;          // the static binary
  tree: string;
  treeLabel: string;     // "linux-source-7.3 7.3.4-1~bpo13+1"
  libbpfVersion: string;
  key: string;
}

/** Cache key: the source, the libbpf build it links, the compiler and the recipe (pure). */
export function veristatKey(source: Uint8Array | string, toolsDir: string, compiler: string): string {
  return createHash('sha256').update(RECIPE).update('\0').update(toolsDir).update('\0').update(compiler).update('\0').update(source)
    .digest('hex').slice(0, 16);
}

/** The gcc command line that links veristat statically against `tools`' libbpf.a (pure). */
export function veristatCompileArgs(tree: string, tools: Pick<ToolsBuild, 'includeDir' | 'libbpfArchive'>, output: string): string[] {
  return [
    '-O2', '-g0', '-static',
    '-Wno-format-truncation',                       // as the selftests' Makefile compiles it
    `-I${tools.includeDir}`,                        // bpf/libbpf.h of the same libbpf
    `-I${join(tree, 'tools/include')}`, `-I${join(tree, 'tools/include/uapi')}`,
    join(tree, VERISTAT_SOURCE),
    tools.libbpfArchive, '-lelf', '-lz', '-lm', '-lpthread',
    '-o', output,
  ];
}

/** Build (or reuse) veristat from `treePath`, linked against the tree's own libbpf. */
export async function buildVeristat(treePath: string, progress: (m: string) => void = () => {}): Promise<VeristatBuild> {
  const tree = resolve(treePath);
  let source: Buffer;
  try {
    source = await readFile(join(tree, VERISTAT_SOURCE));
  } catch {
    throw new ToolsBuildError(`${tree} has no ${VERISTAT_SOURCE} (veristat is in the kernel tree since 6.0)`, [],
      'give a newer tree, e.g. bpf-verdict kernel fetch debian-source:7.3');
  }
  const tools = await buildTreeTools(tree, progress);
  const gcc = (await execa('gcc', ['--version'], { reject: false })).stdout.split('\n')[0] ?? 'gcc';
  const key = veristatKey(source, tools.dir, gcc);
  const dir = join(await cacheDir('veristat'), `libbpf-${tools.libbpfVersion}-${key}`);
  const label = await treeLabel(tree);
  const out: VeristatBuild = { path: join(dir, 'veristat'), tree, treeLabel: label, libbpfVersion: tools.libbpfVersion, key };
  if (existsSync(out.path)) return out;
  progress(`building veristat from ${label} against libbpf ${tools.libbpfVersion} (static)`);
  await publishDir(dir, async (tmp) => {
    const r = await execa('gcc', veristatCompileArgs(tree, tools, join(tmp, 'veristat')), { reject: false, all: true, env: { LC_ALL: 'C' } });
    await writeFile(join(tmp, 'build.log'), r.all ?? '');
    if (r.exitCode !== 0) {
      const lines = (r.all ?? '').split('\n');
      throw new ToolsBuildError(`building veristat from ${tree} failed (gcc exit ${r.exitCode ?? r.signal})`,
        lines.filter((l) => /error/i.test(l)).slice(0, 30), 'needs gcc, libelf-dev and zlib1g-dev (their static libelf.a and libz.a: bash scripts/setup.sh)');
    }
  }, `veristat ${key}`);
  return out;
}
