// The generator: programs over the graph API of one kernel line, deterministic in (seed, line,
// index). fast-check draws each program's spec (fault, section, op list) from a seed derived from
// the campaign seed and the program's index, so program i is the same whatever `first`/`count`
// cut out of the campaign, and the op list can be shrunk with fast-check's own shrinkers.
import fc from 'fast-check';
import { getProfile } from '../../profiles/index.js';
import type { LineName } from '../../profiles/types.js';
import { FAULTS, type FuzzBatch, type Generate } from '../types.js';
import { CATALOGUE } from './catalogue.js';
import { OP_NAMES, type Op } from './op.js';
import { buildProgram, type BuiltProgram, type ProgramSpec } from './program.js';

export type { ProgramSpec } from './program.js';
export { buildProgram } from './program.js';

/** Half the programs are meant to be valid; the rest carry one fault each, all faults alike. */
const VALID_SHARE = 0.5;
const SECTIONS = ['tc', 'tc', 'tc', 'xdp'];

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom(...OP_NAMES), a: fc.nat(255), b: fc.nat(255), c: fc.nat(255),
});

/** The spec of one program (shrinks towards fewer, earlier ops). */
export const specArbitrary: fc.Arbitrary<ProgramSpec> = fc.noBias(fc.record({
  pick: fc.integer({ min: 0, max: 9999 }).map((n) => n / 10000),
  section: fc.constantFrom(...SECTIONS),
  useMap: fc.boolean(),
  ops: fc.array(opArb, { minLength: 3, maxLength: 22 }),
  // unbiased draws: fast-check's bias towards small values would make most programs short and
  // most picks the first candidate
})).map(({ pick, section, useMap, ops }) => ({
  fault: pick < VALID_SHARE ? null : FAULTS[Math.floor(((pick - VALID_SHARE) / (1 - VALID_SHARE)) * FAULTS.length)]!,
  section, useMap, ops,
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

const kfuncCache = new Map<LineName, ReadonlySet<string>>();
/** The kfuncs the line's kernel registers (its profile's tree table). */
export function lineKfuncs(line: LineName): ReadonlySet<string> {
  let k = kfuncCache.get(line);
  if (k === undefined) {
    const p = getProfile(line);
    k = new Set((p.tree?.kfuncs ?? []).map((f) => f.name));
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
