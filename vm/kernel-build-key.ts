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

/** Options a fragment asked for that the final .config does not have (an unmet Kconfig dependency). */
export function unmetOptions(fragments: Fragment[], finalConfig: string): UnmetOption[] {
  const actual = parseConfig(finalConfig);
  const unmet: UnmetOption[] = [];
  for (const f of fragments) {
    for (const [option, requested] of parseConfig(f.text)) {
      const got = actual.get(option) ?? 'n';
      if (got !== requested) unmet.push({ option, requested, actual: got, fragment: f.name });
    }
  }
  return unmet;
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
