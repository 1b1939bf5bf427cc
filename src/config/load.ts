// bpf-verdict.yaml -> RunConfig. Errors name the file and the line of the offending value.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';
import { DEFAULT_CONFIG, type RunConfig } from './types.js';
import { PROFILE_NAMES } from '../profiles/index.js';

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

const KEYS = ['kernels', 'corpus', 'include', 'exclude', 'build', 'timeouts', 'memory', 'cpus', 'profile'];

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
  const num = (keyPath: string[], min: number): number | undefined => {
    const node = doc.getIn(keyPath, true) as Node | undefined;
    if (node === undefined) return undefined;
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(node, `${keyPath.join('.')} must be a number >= ${min}`);
    return v as number;
  };

  cfg.kernels = strings(['kernels']) ?? cfg.kernels;
  if (!cfg.kernels.length) fail(doc.getIn(['kernels'], true) as Node, 'kernels is empty', 'name at least one kernel, e.g. debian:6.12');
  cfg.corpus = (strings(['corpus']) ?? cfg.corpus).map(path);
  cfg.include = strings(['include']) ?? cfg.include;
  cfg.exclude = strings(['exclude']) ?? cfg.exclude;
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
  cfg.timeouts.bootSec = num(['timeouts', 'boot'], 1) ?? cfg.timeouts.bootSec;
  cfg.timeouts.loadSec = num(['timeouts', 'load'], 1) ?? cfg.timeouts.loadSec;
  cfg.memoryMb = num(['memory'], 128) ?? cfg.memoryMb;
  cfg.cpus = num(['cpus'], 1) ?? cfg.cpus;
  const profile = doc.get('profile', true) as Node | undefined;
  if (profile !== undefined) {
    const v = isScalar(profile) ? profile.value : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') fail(profile, 'profile must be a string such as "6.12"');
    // A bare 6.10 is the number 6.1 to YAML: keep the text as written.
    cfg.profile = (isScalar(profile) && typeof profile.source === 'string' ? profile.source : String(v));
    if (!PROFILE_NAMES.includes(cfg.profile)) fail(profile, `unknown profile '${cfg.profile}': use one of ${PROFILE_NAMES.join(', ')}, or leave it out to follow each kernel`);
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
