// The shrinker: a program that shows a disagreement -> the smallest program found that still shows
// the same one (same kind, same kernel rule, same model rule). Greedy delta debugging over the
// statement tree (shrink-tree.ts): each round takes the untried one-step reductions, smallest first,
// checks them all at once (one object, one clang, one load: each candidate is a program of it), and
// moves to the smallest that still shows the disagreement. A candidate that does not compile or no
// longer shows it is not kept. Ends when no reduction is left untried, or at the round limit.
import type { FuzzProgram, Stmt } from './types.js';
import { reductions, treeSize } from './shrink-tree.js';
import { sameSignature, type Signature } from './observe.js';

/**
 * Check candidate programs on the real kernel and the model: each candidate's signature (null: no
 * disagreement, or agreement), by program name; a candidate missing from the map did not compile.
 */
export type CheckCandidates = (candidates: FuzzProgram[]) => Promise<Map<string, Signature | null>>;

export interface ShrinkOptions {
  /** Candidates checked together in one round (one object). */
  perRound?: number;
  maxRounds?: number;
  signal?: AbortSignal;
  onRound?: (r: { round: number; size: number; candidates: number; kept: boolean }) => void;
}

export interface ShrinkResult {
  program: FuzzProgram;
  /** Statements before and after (shrink-tree.ts treeSize). */
  sizeBefore: number;
  size: number;
  rounds: number;
  /** Candidates checked in all. */
  checked: number;
  /** The name the kept program was checked under (its observation), or null when nothing smaller was kept. */
  checkedAs: string | null;
}

export async function shrink(program: FuzzProgram, target: Signature, check: CheckCandidates, opts: ShrinkOptions = {}): Promise<ShrinkResult> {
  const perRound = opts.perRound ?? 32;
  const maxRounds = opts.maxRounds ?? 40;
  let best = program;
  let rounds = 0;
  let checked = 0;
  const tried = new Set<string>();
  while (rounds < maxRounds && !opts.signal?.aborted) {
    const untried = reductions(best.body).filter((b) => !tried.has(JSON.stringify(b)));
    if (!untried.length) break;
    rounds++;
    const batch = untried.slice(0, perRound);
    const candidates = batch.map((body, i): FuzzProgram => ({ ...best, name: `${program.name}_r${rounds}_${i}`, body }));
    for (const b of batch) tried.add(JSON.stringify(b));
    checked += candidates.length;
    const answers = await check(candidates);
    // smallest first (reductions() sorted them): the first that still shows the disagreement
    const kept = candidates.find((c) => sameSignature(answers.get(c.name) ?? null, target));
    opts.onRound?.({ round: rounds, size: treeSize((kept ?? best).body), candidates: candidates.length, kept: !!kept });
    if (kept) best = kept;
  }
  return { program: { ...best, name: program.name }, sizeBefore: treeSize(program.body), size: treeSize(best.body), rounds, checked,
    checkedAs: best === program ? null : best.name };
}

export type { Stmt };
