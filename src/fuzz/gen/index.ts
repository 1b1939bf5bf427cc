// The generator: programs over the graph API of one kernel line, deterministic in (seed, line,
// index). fast-check draws each program's spec (fault, section, op list) from a seed derived from
// the campaign seed and the program's index, so program i is the same whatever `first`/`count`
// cut out of the campaign, and the op list can be shrunk with fast-check's own shrinkers.
import fc from 'fast-check';
import { getProfile } from '../../profiles/index.js';
import { BpfVerdictError } from '../../shared/errors.js';
import type { LineName } from '../../profiles/types.js';
import { FAULTS, type FaultKind, type FuzzBatch, type Generate } from '../types.js';
import { CATALOGUE } from './catalogue.js';
import { FAULT_SITES } from './faults.js';
import { OP_NAMES, type Op, type OpName } from './op.js';
import { buildProgram, type BuiltProgram, type ProgramSpec } from './program.js';

export type { ProgramSpec } from './program.js';
export { buildProgram } from './program.js';

/** Half the programs are meant to be valid; the rest carry one fault each, all faults alike. */
const VALID_SHARE = 0.5;
const SECTIONS = ['tc', 'tc', 'tc', 'xdp'];

const field = fc.nat(255);
const opOf = (names: readonly OpName[]): fc.Arbitrary<Op> => fc.record({ op: fc.constantFrom(...names), a: field, b: field, c: field });
/**
 * Every op, the ones that allocate, insert, drop and unlock more often: most ops need an owning
 * reference or no lock held, and a program that only peeks under one lock says little.
 */
const WEIGHTED: OpName[] = [...OP_NAMES, 'new', 'new', 'unlock', 'unlock', 'unlock', 'push', 'add', 'drop'];
const anyOp = opOf(WEIGHTED);

/** Ops of a faulty program lean towards the ops that can become its fault (one in two). */
function opsFor(fault: FaultKind | null): fc.Arbitrary<Op[]> {
  const sites = fault === null ? [] : FAULT_SITES[fault];
  const op = sites.length === 0 ? anyOp : fc.oneof({ arbitrary: opOf(sites), weight: 1 }, { arbitrary: anyOp, weight: 1 });
  return fc.array(op, { minLength: 4, maxLength: 24 });
}

/**
 * The spec of one program: the fault first (half the programs none), then the op list (shrinks
 * towards fewer, earlier ops). Unbiased draws: fast-check's bias towards small values would make
 * most programs short and most picks the first candidate.
 */
export const specArbitrary: fc.Arbitrary<ProgramSpec> = fc.noBias(fc.integer({ min: 0, max: 9999 }).chain((n) => {
  const pick = n / 10000;
  const fault = pick < VALID_SHARE ? null : FAULTS[Math.floor(((pick - VALID_SHARE) / (1 - VALID_SHARE)) * FAULTS.length)]!;
  return fc.record({ section: fc.constantFrom(...SECTIONS), useMap: fc.boolean(), ops: opsFor(fault) })
    .map(({ section, useMap, ops }): ProgramSpec => ({ fault, section, useMap, ops }));
}));

/** A 32-bit seed for program `index` of campaign `seed` on `line` (splitmix-style mixing). */
export function programSeed(seed: number, line: LineName, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1);
  for (const ch of line) h = Math.imul(h ^ ch.charCodeAt(0), 0x85ebca6b);
  h ^= h >>> 15; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 13;
  return h | 0;
}

export function specFor(seed: number, line: LineName, index: number): ProgramSpec {
  return fc.sample(specArbitrary, { seed: programSeed(seed, line, index), numRuns: 1 })[0]!;
}

/** What every generated program may call: allocation, lists, rbtrees, refcounts (6.4+). */
const BASELINE = ['bpf_obj_new_impl', 'bpf_obj_drop_impl', 'bpf_refcount_acquire_impl', 'bpf_list_push_back_impl',
  'bpf_list_pop_front', 'bpf_rbtree_add_impl', 'bpf_rbtree_first', 'bpf_rbtree_remove'];

const kfuncCache = new Map<LineName, ReadonlySet<string>>();
/** The kfuncs the line's kernel registers (its profile's tree table); a line without the graph API is refused. */
export function lineKfuncs(line: LineName): ReadonlySet<string> {
  let k = kfuncCache.get(line);
  if (k === undefined) {
    const p = getProfile(line);
    k = new Set((p.tree?.kfuncs ?? []).map((f) => f.name));
    const missing = BASELINE.filter((n) => !k!.has(n));
    if (missing.length > 0) {
      throw new BpfVerdictError(`kernel line ${line} has no ${missing.join(', ')} in its profile's kfunc table: the generator writes graph-API programs`,
        'fuzz a line with the graph API (6.12 or 7.3)');
    }
    kfuncCache.set(line, k);
  }
  return k;
}

export function programName(seed: number, index: number): string {
  return `f_${seed >>> 0}_${index}`;
}

/** Build programs from specs (the shrinker's entry: a cut-down spec, rendered again). */
export function batchOf(built: BuiltProgram[]): FuzzBatch {
  const decls: FuzzBatch['decls'] = {};
  for (const b of built) {
    const queue = [...b.decls];
    while (queue.length > 0) {
      const k = queue.shift()!;
      if (decls[k] !== undefined) continue;
      const d = CATALOGUE[k];
      if (d === undefined) throw new Error(`generator: program ${b.program.name} names unknown declaration "${k}"`);
      decls[k] = d;
      queue.push(...d.needs);
    }
  }
  return { programs: built.map((b) => b.program), decls };
}

export const generate: Generate = ({ seed, line, count, first = 0 }) => {
  const kfuncs = lineKfuncs(line);
  const built: BuiltProgram[] = [];
  for (let i = first; i < first + count; i++) {
    built.push(buildProgram(specFor(seed, line, i), programName(seed, i), line, kfuncs));
  }
  return batchOf(built);
};
