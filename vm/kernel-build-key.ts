// Pure parts of source-kernel builds: spec parsing, cache keys, patch file lists, config checks.
// No I/O here; kernel-build.ts and its -tree/-make/-cache adapters do the I/O.
import { createHash } from 'node:crypto';

/** A kernel built from a source tree, optionally with patches applied (to a copy) in order. */
export interface SrcKernelSpec {
  kind: 'src';
  tree: string;
  patches: string[];
}

/** The spec string for a src kernel (the inverse of vm/kernel-spec.ts for kind 'src'). */
export function formatSrcSpec(spec: SrcKernelSpec): string {
  return ['src:' + spec.tree, ...spec.patches].join('+');
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Everything that decides what a build produces. Equal inputs -> equal key -> cache hit. */
export interface BuildInputs {
  /** Stable identity of the tree's contents (never its path): see kernel-build-tree.ts. */
  tree: string;
  /** sha256 of each patch's bytes, in application order. */
  patches: string[];
  /** configHash() of the fragments, the base config and the toolchain. */
  config: string;
}

export function buildKey(inputs: BuildInputs): string {
  return sha256(JSON.stringify({ v: 1, ...inputs })).slice(0, 16);
}

export interface Fragment {
  name: string;     // file name only: moving the project does not change the key
  text: string;
}

/** The kernel config is tinyconfig + fragments, made by this toolchain; all of it is in the key. */
export function configHash(base: string, fragments: Fragment[], toolchain: string[]): string {
  return sha256(JSON.stringify({ base, fragments: fragments.map((f) => [f.name, f.text]), toolchain }));
}

/**
 * Files a unified diff touches (old and new names, -p1 stripped): those files get private copies
 * before patching, and are marked changed when a build dir is reused from another patch set.
 */
export function patchedFiles(patchText: string): string[] {
  const files = new Set<string>();
  for (const line of patchText.split('\n')) {
    const m = /^(?:---|\+\+\+) (\S+)/.exec(line);
    if (!m || m[1] === '/dev/null') continue;
    const slash = m[1]!.indexOf('/');
    if (slash > 0) files.add(m[1]!.slice(slash + 1));
  }
  return [...files].sort();
}

export type ConfigValue = string; // 'y', 'm', 'n', or the literal right-hand side ("0x10", "\"text\"")

/** CONFIG_X=v and "# CONFIG_X is not set" lines (fragment or .config). */
export function parseConfig(text: string): Map<string, ConfigValue> {
  const out = new Map<string, ConfigValue>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (set) { out.set(set[1]!, set[2]!); continue; }
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line.trim());
    if (unset) out.set(unset[1]!, 'n');
  }
  return out;
}

export interface UnmetOption { option: string; requested: ConfigValue; actual: ConfigValue; fragment: string }

/** The symbols a tree's Kconfig files define (`config X`, `menuconfig X`), from the files' texts. */
export function kconfigSymbols(kconfigTexts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const text of kconfigTexts) for (const m of text.matchAll(/^[ \t]*(?:menu)?config[ \t]+([A-Za-z0-9_]+)[ \t]*$/gm)) out.add(`CONFIG_${m[1]}`);
  return out;
}

/**
 * Options a fragment asked for that the final .config does not have (an unmet Kconfig dependency).
 * With `known` (the tree's kconfigSymbols), options the tree does not define at all are left out:
 * one fragment serves several kernel lines (6.12's PROC_SYSCTL is 7.3's SYSCTL), and an option
 * of another line is not a failure of this one (see absentOptions).
 */
export function unmetOptions(fragments: Fragment[], finalConfig: string, known?: Set<string>): UnmetOption[] {
  const actual = parseConfig(finalConfig);
  const unmet: UnmetOption[] = [];
  for (const f of fragments) {
    for (const [option, requested] of parseConfig(f.text)) {
      if (known && !known.has(option)) continue;
      const got = actual.get(option) ?? 'n';
      if (got !== requested) unmet.push({ option, requested, actual: got, fragment: f.name });
    }
  }
  return unmet;
}

/** Fragment options the tree's Kconfig does not define (renamed, removed, or not yet there). */
export function absentOptions(fragments: Fragment[], known: Set<string>): { option: string; fragment: string }[] {
  return fragments.flatMap((f) => [...parseConfig(f.text).keys()].filter((o) => !known.has(o)).map((option) => ({ option, fragment: f.name })));
}

/**
 * The compiler's and make's error lines from a failed build's output, with the lines that locate
 * them ("In function", the caret context), so the report shows the cause, not make's last words.
 */
export function buildErrorLines(output: string, max = 40): string[] {
  const lines = output.split('\n');
  const picked = new Set<number>();
  const isError = (l: string) =>
    /\b(error|fatal error):|undefined reference to|\*\*\* |No rule to make target|multiple definition of|Error \d+/.test(l);
  lines.forEach((l, i) => {
    if (!isError(l)) return;
    if (i > 0 && /In function|In file included from|: note:/.test(lines[i - 1]!)) picked.add(i - 1);
    picked.add(i);
    // gcc prints the source line and a caret line under an error.
    for (let j = i + 1; j <= i + 2 && j < lines.length; j++) if (/^\s+\d*\s*\|/.test(lines[j]!)) picked.add(j);
  });
  const out = [...picked].sort((a, b) => a - b).map((i) => lines[i]!);
  return out.length > max ? [...out.slice(0, max), `(${out.length - max} more error lines omitted)`] : out;
}

/** A make output line ("  CC      kernel/bpf/verifier.o") -> a step for the progress line. */
export function buildStep(line: string): string | null {
  const m = /^\s{2}([A-Z][A-Z0-9_]*)\s+(\S.*)$/.exec(line);
  return m ? `${m[1]} ${m[2]}` : null;
}
