// The clang-19 adapter: one BPF object per C file, with the headers it read (-MD) for the cache.
import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { BpfVerdictError } from '../shared/errors.js';

export const CLANG = process.env.BPF_VERDICT_CLANG ?? 'clang-19';
/** The flags every object is built with: BPF target, BTF (-g), -O2, ISA v3. */
export const BASE_FLAGS = ['-target', 'bpf', '-g', '-O2', '-mcpu=v3'];

let identity: Promise<string> | null = null;
/** `clang-19 --version`, part of every cache key. Throws a typed error when clang is missing. */
export function clangIdentity(): Promise<string> {
  identity ??= execa(CLANG, ['--version']).then((r) => r.stdout.split('\n')[0] ?? CLANG, (err: unknown) => {
    identity = null;
    throw new BpfVerdictError(`cannot run ${CLANG}: ${(err as Error).message.split('\n')[0]}`,
      'install clang-19 (bash scripts/setup.sh does), or point BPF_VERDICT_CLANG at a clang with the BPF target', { cause: err });
  });
  return identity;
}

let sysIncludes: Promise<string[]> | null = null;
/**
 * The host compiler's own system include directories, added with -idirafter: -target bpf drops
 * the multiarch directory (/usr/include/x86_64-linux-gnu), so <linux/types.h> could not find
 * <asm/types.h>. libbpf-bootstrap and the kernel's selftests do the same (CLANG_BPF_SYS_INCLUDES).
 */
export function clangSystemIncludes(): Promise<string[]> {
  sysIncludes ??= execa(CLANG, ['-v', '-E', '-'], { input: '', reject: false }).then((r) => {
    const text = String(r.stderr ?? '');
    const start = text.indexOf('#include <...> search starts here:');
    const end = text.indexOf('End of search list.');
    if (start < 0 || end < 0) return [];
    return text.slice(start, end).split('\n').slice(1).map((l) => l.trim()).filter((l) => l.startsWith('/'));
  });
  return sysIncludes;
}

export function compileArgs(source: string, output: string, includeDirs: string[], cflags: string[], sysDirs: string[] = []): string[] {
  return [...BASE_FLAGS, ...includeDirs.map((d) => `-I${d}`), ...cflags, ...sysDirs.flatMap((d) => ['-idirafter', d]), '-c', source, '-o', output];
}

export interface ClangResult { ok: boolean; stderr: string; deps: string[] }

/** Compile; `deps` are the files clang read (source first). Never throws for a compile error. */
export async function compileWithDeps(args: string[], output: string, signal?: AbortSignal): Promise<ClangResult> {
  const depFile = `${output}.d`;
  const r = await execa(CLANG, [...args, '-MD', '-MF', depFile], { reject: false, all: false, cancelSignal: signal });
  if (r.failed && r.exitCode === undefined) await clangIdentity(); // clang itself is missing: typed error
  let deps: string[] = [];
  if (r.exitCode === 0) {
    try { deps = parseDepFile(readFileSync(depFile, 'utf8')); } catch { /* no dep file: cache on the source alone */ }
  }
  rmSync(depFile, { force: true });
  return { ok: r.exitCode === 0, stderr: String(r.stderr ?? ''), deps };
}

/** Make-style "out.o: a.c b.h \\\n c.h" -> [a.c, b.h, c.h] (escaped spaces kept). */
export function parseDepFile(text: string): string[] {
  const body = text.replace(/\\\n/g, ' ');
  const colon = body.indexOf(': ');
  const list = colon >= 0 ? body.slice(colon + 2) : body;
  return list.match(/(?:\\ |[^\s])+/g)?.map((p) => p.replace(/\\ /g, ' ')) ?? [];
}

/** The lines that matter in clang's output: errors with their location, then the first notes. */
export function clangErrorSummary(stderr: string, max = 12): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => /\berror\b/.test(l));
  const pick = errors.length ? errors : lines;
  const shown = pick.slice(0, max);
  const hint = /fatal error: '.*' file not found/.test(stderr) ? '\n(hint: add include directories with -I DIR, or build.includeDirs in bpf-verdict.yaml)' : '';
  return shown.join('\n') + (pick.length > max ? `\n(${pick.length - max} more)` : '') + hint;
}
