// bpf-verdict.yaml -> RunConfig. Errors name the file and the line of the offending value.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { BpfVerdictError, InputError } from '../shared/errors.js';
import { parseKernelSpec } from '../../vm/kernel-spec.js';
import { PROFILE_NAMES } from '../profiles/index.js';
import { parseKernelRange } from '../expect/kernels.js';
import { DEFAULT_CONFIG, VM_LIMITS, type RunConfig } from './types.js';

export const CONFIG_NAME = 'bpf-verdict.yaml';

/** The config file to use: the one named, else ./bpf-verdict.yaml when it exists, else none. */
export function findConfig(explicit: string | undefined, cwd = process.cwd()): string | null {
  if (explicit) return resolve(cwd, explicit);
  const here = resolve(cwd, CONFIG_NAME);
  return existsSync(here) ? here : null;
}

export function loadConfig(file: string | null): RunConfig {
  if (!file) return structuredClone(DEFAULT_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read the configuration: ${(err as Error).message}`, 'check the --config path', { cause: err });
  }
  return parseConfig(text, file);
}

const KEYS = ['kernels', 'corpus', 'include', 'exclude', 'kernelOnly', 'profileGaps', 'build', 'timeouts', 'memory', 'cpus', 'profile'];

/** Parse and validate; relative paths resolve against the file's directory. */
export function parseConfig(text: string, file: string): RunConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf = (node: Node | null | undefined, fallback = 1): number =>
    node?.range ? lc.linePos(node.range[0]).line : fallback;
  const fail = (node: Node | null | undefined, msg: string, hint?: string): never => {
    throw new InputError(file, `line ${lineOf(node)}: ${msg}`, hint ?? `see the commented example in the repository's ${CONFIG_NAME}`);
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
    throw new InputError(file, `line ${line}: YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax (indentation, quotes, colons)');
  }
  const cfg = structuredClone(DEFAULT_CONFIG);
  cfg.source = file;
  const base = dirname(file);
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  // Relative default paths resolve against the config's directory too.
  cfg.corpus = cfg.corpus.map(path);
  cfg.build.includeDirs = cfg.build.includeDirs.map(path);
  const root = doc.contents;
  if (root === null || root === undefined) return cfg;
  if (!isMap(root)) return fail(root as Node, 'the configuration must be a mapping (key: value lines)');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!KEYS.includes(key)) fail(pair.key as Node, `unknown key '${key}'`, `known keys: ${KEYS.join(', ')}`);
  }
  const strings = (keyPath: string[]): string[] | undefined => stringList(doc, keyPath, fail);
  const num = (keyPath: string[], limits: { min: number; max: number; int?: boolean }): number | undefined => {
    const node = doc.getIn(keyPath, true) as Node | undefined;
    if (node === undefined) return undefined;
    const v = isScalar(node) ? node.value : undefined;
    const { min, max, int } = limits;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      fail(node, `${keyPath.join('.')} must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return v as number;
  };

  cfg.kernels = strings(['kernels']) ?? cfg.kernels;
  const kernelsNode = doc.getIn(['kernels'], true) as Node | undefined;
  if (!cfg.kernels.length) fail(kernelsNode, 'kernels is empty', 'name at least one kernel, e.g. debian:6.12');
  // A misspelt spec is found here, with its line, not after the corpus is built for the kernels before it.
  cfg.kernels.forEach((spec, i) => {
    try {
      parseKernelSpec(spec);
    } catch (err) {
      if (!(err instanceof BpfVerdictError)) throw err;
      fail(isSeq(kernelsNode) ? (kernelsNode.items[i] as Node) : kernelsNode, `kernels: ${err.message}`, err.hint);
    }
  });
  cfg.corpus = (strings(['corpus']) ?? cfg.corpus).map(path);
  cfg.include = strings(['include']) ?? cfg.include;
  cfg.exclude = strings(['exclude']) ?? cfg.exclude;
  const only = doc.get('kernelOnly', true) as Node | undefined;
  if (only !== undefined) {
    const hint = 'kernelOnly maps a glob to a kernel range: kernelOnly: { "linux-7.3/**": "7.3-" }';
    if (!isMap(only)) fail(only, 'kernelOnly must be a mapping from a glob to a kernel range', hint);
    cfg.kernelOnly = (only as { items: { key: unknown; value: unknown }[] }).items.map((p) => {
      const glob = isScalar(p.key) ? String(p.key.value) : '';
      const rangeNode = p.value as Node | null;
      const range = isScalar(rangeNode) ? String(isScalar(rangeNode) && typeof rangeNode.source === 'string' ? rangeNode.source : rangeNode.value) : '';
      if (!glob) fail(p.key as Node, 'kernelOnly: a key must be a glob', hint);
      try {
        parseKernelRange(range);
      } catch (err) {
        fail(rangeNode, `kernelOnly: '${glob}': ${(err as Error).message.replace(/^__kernel\("[^"]*"\): /, '')}`, hint);
      }
      return { glob, range };
    });
  }
  const gaps = doc.get('profileGaps', true) as Node | undefined;
  if (gaps !== undefined) {
    const hint = 'profileGaps maps a kernel range to the reason: profileGaps: { "7.3-": "the 7.3 profile does not state the graph rules yet" }';
    if (!isMap(gaps)) fail(gaps, 'profileGaps must be a mapping from a kernel range to a reason', hint);
    cfg.profileGaps = (gaps as { items: { key: unknown; value: unknown }[] }).items.map((p) => {
      const keyNode = p.key as Node | null;
      const range = isScalar(keyNode) ? String(typeof keyNode.source === 'string' ? keyNode.source : keyNode.value) : '';
      const reason = isScalar(p.value) ? String((p.value as { value: unknown }).value) : '';
      try {
        parseKernelRange(range);
      } catch (err) {
        fail(keyNode, `profileGaps: ${(err as Error).message.replace(/^__kernel\("[^"]*"\): /, '')}`, hint);
      }
      if (!reason.trim()) fail(p.value as Node, `profileGaps: '${range}' needs a reason`, hint);
      return { range, reason };
    });
  }
  const build = doc.get('build', true) as Node | undefined;
  if (build !== undefined && !isMap(build)) fail(build, 'build must be a mapping with includeDirs and cflags');
  if (isMap(build)) for (const p of build.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (k !== 'includeDirs' && k !== 'cflags') fail(p.key as Node, `unknown key 'build.${k}'`, 'known keys: build.includeDirs, build.cflags');
  }
  cfg.build.includeDirs = (strings(['build', 'includeDirs']) ?? cfg.build.includeDirs).map(path);
  cfg.build.cflags = strings(['build', 'cflags']) ?? cfg.build.cflags;
  const timeouts = doc.get('timeouts', true) as Node | undefined;
  if (timeouts !== undefined && !isMap(timeouts)) fail(timeouts, 'timeouts must be a mapping: boot, load (seconds)');
  if (isMap(timeouts)) for (const p of timeouts.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (k !== 'boot' && k !== 'load') fail(p.key as Node, `unknown key 'timeouts.${k}'`, 'known keys: timeouts.boot, timeouts.load (seconds)');
  }
  cfg.timeouts.bootSec = num(['timeouts', 'boot'], VM_LIMITS.timeoutSec) ?? cfg.timeouts.bootSec;
  cfg.timeouts.loadSec = num(['timeouts', 'load'], VM_LIMITS.timeoutSec) ?? cfg.timeouts.loadSec;
  cfg.memoryMb = num(['memory'], VM_LIMITS.memoryMb) ?? cfg.memoryMb;
  cfg.cpus = num(['cpus'], VM_LIMITS.cpus) ?? cfg.cpus;
  const profile = doc.get('profile', true) as Node | undefined;
  if (profile !== undefined) {
    const v = isScalar(profile) ? profile.value : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') fail(profile, 'profile must be a string such as "6.12"');
    // A bare 6.10 is the number 6.1 to YAML: judge the text as written, not the number.
    const name = isScalar(profile) && typeof profile.source === 'string' ? profile.source : String(v);
    // Checked here, so a typo stops the run before any kernel is resolved or guest booted.
    if (!PROFILE_NAMES.includes(name)) {
      const asNumber = typeof v === 'number' && String(v) !== name ? `; unquoted, YAML reads ${name} as the number ${v}` : '';
      fail(profile, `unknown profile '${name}'`, `use one of: ${PROFILE_NAMES.join(', ')}, quoted (profile: "6.12"), or leave it out to follow each kernel${asNumber}`);
    }
    cfg.profile = name;
  }
  return cfg;
}

function stringList(doc: Document, keyPath: string[], fail: (n: Node | null | undefined, m: string) => never): string[] | undefined {
  const node = doc.getIn(keyPath, true) as Node | undefined;
  if (node === undefined) return undefined;
  if (isScalar(node) && typeof node.value === 'string') return [node.value];
  if (!isSeq(node)) return fail(node, `${keyPath.join('.')} must be a list of strings`);
  return node.items.map((item) => {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
      return fail(item as Node, `${keyPath.join('.')}: every entry must be a string`);
    }
    return String(item.value);
  });
}
