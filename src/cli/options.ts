// Option schemas and the one parser for them. Every command declares its options as data
// (name, type, limits, choices); main.ts parses argv once with node's util.parseArgs and checks
// numbers and choices here, so a mistyped flag or a bad value is a UsageError (exit 2) for every
// command and subcommand alike, never a TypeError out of a command's own parsing.
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/errors.js';

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** A number in [min, max] (an integer when `int`); the command receives a number. */
  number?: { min: number; max: number; int?: boolean };
  /** The only values accepted. */
  choices?: readonly string[];
}

export type Schema = Record<string, OptionDef>;

type ValueOf<D extends OptionDef> =
  D['type'] extends 'boolean' ? boolean
    : D extends { number: object } ? (D extends { multiple: true } ? number[] : number)
      : D extends { multiple: true } ? string[] : string;

export type Values<S extends Schema> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

export interface Args<S extends Schema> { values: Values<S>; positionals: string[] }

/** How a flag is written in messages: `-j, --jobs` or `--memory`. */
export function flagName(name: string, def: OptionDef): string {
  return def.short ? `-${def.short}, --${name}` : `--${name}`;
}

/** Parse `argv` against `schema`. Throws UsageError naming the flag (and the closest known one). */
export function parseCommandLine<S extends Schema>(argv: string[], schema: S, positionals: { min?: number; max?: number } = {}): Args<S> {
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: schema, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as Error & { code?: string }, schema));
  }
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const def = schema[name]!;
    if (raw === undefined) continue;
    const check = (v: string | boolean): unknown => (typeof v === 'string' ? checkValue(name, def, v) : v);
    values[name] = Array.isArray(raw) ? raw.map(check) : check(raw);
  }
  const n = parsed.positionals.length;
  if (positionals.max !== undefined && n > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).map((p) => `'${p}'`).join(' ');
    throw new UsageError(positionals.max === 0 ? `takes no arguments, got ${extra}` : `unexpected argument${n - positionals.max > 1 ? 's' : ''} ${extra}`);
  }
  if (positionals.min !== undefined && n < positionals.min) throw new UsageError('missing argument');
  return { values: values as Values<S>, positionals: parsed.positionals };
}

function checkValue(name: string, def: OptionDef, v: string): string | number {
  if (def.choices && !def.choices.includes(v)) {
    throw new UsageError(`${flagName(name, def)} wants one of ${def.choices.join(', ')}, got '${v}'`);
  }
  if (!def.number) return v;
  const { min, max, int } = def.number;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${flagName(name, def)} wants ${int ? 'an integer' : 'a number'} from ${min} to ${max}, got '${v}'`);
  }
  return n;
}

/** parseArgs' messages, shortened, with a "did you mean" for a mistyped long flag. */
function parseErrorMessage(err: Error & { code?: string }, schema: Schema): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'(-[^']*)'/.exec(err.message)?.[1] ?? err.message;
    const near = closest(flag.replace(/^-+/, '').split('=')[0]!, Object.keys(schema));
    return `unknown option '${flag}'${near.length ? ` (did you mean ${near.map((n) => `--${n}`).join(' or ')}?)` : ''}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(-[^' ]*)/.exec(err.message)?.[1];
    const def = flag ? schema[flag.replace(/^-+/, '')] ?? Object.values(schema).find((d) => d.short === flag.replace(/^-/, '')) : undefined;
    if (flag && def?.type === 'string') return `${flag} wants a value`;
    if (flag && def?.type === 'boolean') return `${flag} takes no value`;
  }
  return err.message;
}

/** The known names that only add a prefix to `name` (timeout: load-timeout), else the closest within edit distance 2. */
export function closest(name: string, known: string[]): string[] {
  const suffixed = known.filter((k) => name.length >= 3 && k.endsWith(`-${name}`));
  if (suffixed.length) return suffixed;
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best ? [best] : [];
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
