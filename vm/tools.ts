// Which libbpf loads a kernel's programs and which bpftool writes its vmlinux.h: the ones of the
// kernel's own line, built from its tree's tools/ (vm/tools-build.ts), so a 7.3 kernel is loaded by
// libbpf 1.8 and gets bpftool 7.8's vmlinux.h (with kfunc prototypes). Debian 12's packaged libbpf
// 1.1 and bpftool 7.1 are used only where no source is at hand, and the result says so.
//
//   --tools auto (default)  src:TREE -> TREE; debian:X.Y[.Z] -> Debian's linux-source-X.Y of the same
//                           line (fetched like `kernel fetch debian-source:X.Y`); file: -> the host's
//   --tools TREE            this kernel tree's tools/ (e.g. a bpf-next checkout for a file: bzImage)
//   --tools debian          the host's libbpf and bpftool (Debian 12: 1.1 and 7.1)
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { BpfVerdictError, UsageError } from '../src/shared/errors.js';
import { libbpfLabel } from '../harness/native.js';
import { buildAddon } from './addon-build.js';
import { parseKernelSpec } from './kernel-spec.js';
import { resolveKernel, type KernelImage, type ResolveOptions } from './kernel.js';
import { buildTreeTools } from './tools-build.js';
import { parseBpftoolVersion } from './tools-key.js';

export type ToolsChoice = { kind: 'auto' } | { kind: 'host' } | { kind: 'tree'; tree: string };

/** Where a kernel's tools come from, decided from its spec alone (pure). */
export type ToolsSource =
  | { kind: 'tree'; tree: string }
  | { kind: 'debian-source'; series: string }
  | { kind: 'host'; why: string | null };   // why: null when the user asked for the host's

export interface Bpftool { path: string; version: string; id: string }

export interface KernelTools {
  /** "libbpf 1.8.0 (tools/lib/bpf of linux-source-7.3 7.3.4-1~bpo13+1)": what results name. */
  libbpf: string;
  /** The addon the guest image carries; null: setup.sh's build against the host's libbpf. */
  addon: string | null;
  bpftool: Bpftool;
  /** The libbpf headers of that libbpf (bpf/bpf_helpers.h ...), for compiling; unset: the host's /usr/include. */
  includeDir?: string;
  /** Set when the host's libbpf and bpftool stand in for the kernel's own: why, and how to do better. */
  note?: string;
}

export const TOOLS_HINT = "--tools auto (the kernel's own tree: src:, or Debian's linux-source-X for debian:X), --tools debian (the host's libbpf 1.1 and bpftool 7.1), or --tools /path/to/linux";

export function parseToolsChoice(text: string | undefined): ToolsChoice {
  if (text === undefined || text === 'auto') return { kind: 'auto' };
  if (text === 'debian' || text === 'host') return { kind: 'host' };
  if (text === '') throw new UsageError('--tools wants auto, debian or a kernel tree', TOOLS_HINT);
  const p = text.startsWith('src:') ? text.slice(4) : text;
  return { kind: 'tree', tree: resolve(p.startsWith('~/') ? homedir() + p.slice(1) : p) };
}

export function toolsSource(spec: string, choice: ToolsChoice): ToolsSource {
  if (choice.kind === 'host') return { kind: 'host', why: null };
  if (choice.kind === 'tree') return { kind: 'tree', tree: choice.tree };
  const k = parseKernelSpec(spec);
  switch (k.kind) {
    case 'src': return { kind: 'tree', tree: k.tree };
    case 'debian': return { kind: 'debian-source', series: k.version.split('.').slice(0, 2).join('.') };
    case 'file': return { kind: 'host', why: `${spec} comes without its source tree` };
  }
}

export async function hostBpftool(): Promise<Bpftool> {
  const r = await execa('bpftool', ['version'], { reject: false });
  const v = parseBpftoolVersion(r.stdout ?? '');
  if (r.exitCode !== 0 || !v) throw new BpfVerdictError(`cannot run the host's bpftool: ${(r.stderr || r.message || '').split('\n')[0]}`, 'install bpftool (bash scripts/setup.sh)');
  return { path: 'bpftool', version: v.bpftool, id: 'host' };
}

export async function resolveTools(spec: string, choice: ToolsChoice, progress: (m: string) => void = () => {}): Promise<KernelTools> {
  const source = toolsSource(spec, choice);
  let tree: string;
  switch (source.kind) {
    case 'host': return hostTools(source.why, progress);
    case 'tree': tree = source.tree; break;
    case 'debian-source': {
      // Imported here: fetching pulls in apt handling that a src:/file: run never needs.
      const { fetchDebianSource } = await import('./kernel-build-fetch.js');
      try {
        tree = (await fetchDebianSource(source.series, progress)).path;
      } catch (err) {
        const why = err instanceof BpfVerdictError ? err.message : String(err);
        return hostTools(`Debian's linux-source-${source.series} is not at hand (${why})`, progress);
      }
      break;
    }
  }
  const tools = await buildTreeTools(tree, progress);
  const addon = await buildAddon(tools, progress);
  return {
    libbpf: libbpfLabel(tools.libbpfVersion, addon.manifest),
    addon: addon.path,
    includeDir: tools.includeDir,
    bpftool: { path: tools.bpftool, version: tools.bpftoolVersion, id: `bpftool-${tools.bpftoolVersion}-${tools.dir.split('-').at(-1)}` },
  };
}

async function hostTools(why: string | null, progress: (m: string) => void): Promise<KernelTools> {
  const bpftool = await hostBpftool();
  const tools: KernelTools = { libbpf: libbpfLabel(await hostLibbpfVersion(), null), addon: null, bpftool };
  if (why) {
    tools.note = `${why}: loading with the host's libbpf and writing vmlinux.h with the host's bpftool ${bpftool.version}; `
      + 'for the kernel\'s own, give --tools /path/to/its/linux/tree';
    progress(tools.note);
  }
  return tools;
}

/** The host's libbpf version ("1.1.2"), which setup.sh's addon links. */
async function hostLibbpfVersion(): Promise<string> {
  const r = await execa('pkg-config', ['--modversion', 'libbpf'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : 'unknown';
}

/** A kernel image with the libbpf and bpftool it is served with (`--tools`), for every command that boots one. */
export async function resolveKernelWithTools(spec: string, choice: ToolsChoice, progress: (m: string) => void = () => {}, opts: Omit<ResolveOptions, 'onProgress'> = {}): Promise<KernelImage> {
  const kernel = await resolveKernel(spec, { ...opts, onProgress: progress });
  kernel.tools = await resolveTools(spec, choice, progress);
  return kernel;
}
