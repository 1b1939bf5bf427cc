// One generator operation: an intent ("push a node", "drop something") with numbers that pick its
// targets. The shadow state decides whether it is valid now; an op that does not fit is skipped,
// and an op where the program's fault fits may become the fault. So any sub-list of ops is still a
// program, which keeps shrinking over op lists meaningful.
import type { Stmt } from '../types.js';
import type { ShadowState } from './state.js';

export const OP_NAMES = [
  'new', 'write', 'read', 'lock', 'unlock', 'push', 'add', 'pop', 'first', 'remove', 'acquire', 'drop',
  'stash', 'unstash', 'branch', 'loop', 'subkey', 'subpush', 'gsub', 'bag', 'share', 'fork', 'spill',
  // 7.3 only (skipped where the line's kfunc table lacks them)
  'front', 'listdel', 'listadd', 'listquery', 'rbwalk',
] as const;
export type OpName = (typeof OP_NAMES)[number];

export interface Op {
  op: OpName;
  /** Picks the target (variable, root, type) among the candidates. */
  a: number;
  /** Picks a variant (front/back, constant written...). */
  b: number;
  /** Whether the program's fault is placed here when it fits (c % 4 !== 0). */
  c: number;
  /** Fallback recipes: place the fault whenever it fits, pick the newest variable. */
  force?: boolean;
  /** Fallback recipes: the root (catalogue id) or object type to use. */
  root?: string;
  type?: string;
}

export type OpFn = (s: ShadowState, o: Op) => Stmt[] | null;

/** The candidate an op acts on: the newest one in a fallback recipe, else the one `a` picks. */
export function choose<T>(xs: readonly T[], o: Op): T | undefined {
  if (xs.length === 0) return undefined;
  return o.force ? xs[xs.length - 1] : xs[o.a % xs.length];
}
