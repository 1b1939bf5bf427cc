// Kernel x model x expectation for one program -> an outcome, with the evidence behind it.
import type { Expectation, MessageMatch } from '../expect/types.js';
import type { KernelResult, ModelResult } from '../shared/verdict.js';

/**
 * Outcome names, in report order. `declared`: a difference the program itself declares.
 * `model-error`: the model failed with an internal exception (a bug, never a verdict).
 */
export const OUTCOMES = [
  'agree', 'declared', 'model-differs', 'model-error', 'expectation-differs', 'unsupported', 'loader-error', 'crash', 'timeout',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that leave the exit code at 0. */
export function isGreen(o: Outcome): boolean {
  return o === 'agree' || o === 'declared';
}

/** The kernel's classified answer: rule id, message, instruction (src/classify names the rule). */
export interface KernelClass { rule: string | null; message: string | null; insn: number | null }

/** What the kernel side produced for one program. */
export type KernelSide =
  | { kind: 'result'; result: KernelResult; class: KernelClass }
  | { kind: 'crash'; error: string; consoleTail: string }     // panic / oops / BUG while loading
  | { kind: 'timeout'; error: string; consoleTail: string }   // the guest stopped answering
  | { kind: 'not-loaded'; error: string };                    // build or object-read failure: never reached the kernel

/** The model's answer; `stateAt` is its abstract state at the disputed instruction. */
export type ModelSide = ModelResult & { stateAt?: string | null; trace?: string[] };

export type Difference =
  | { kind: 'verdict'; kernel: string; model: string }
  | { kind: 'rule'; kernel: string | null; model: string | null }
  | { kind: 'insn'; rule: string | null; kernel: number; model: number }
  | { kind: 'message'; kernel: string | null; model: string | null }
  | { kind: 'model-error'; message: string | null }
  | { kind: 'stale-declaration'; reason: string };

export interface Comparison {
  outcome: Outcome;
  /** One line each, in words: why this outcome. */
  reasons: string[];
  /** Did the kernel do what the program declares? null when nothing is declared. */
  expectationOk: boolean | null;
  /** Declared messages against the kernel log (null when none are declared or no log exists). */
  messages: MessageMatch[] | null;
  /** Model vs kernel: null when not comparable (unsupported, or no kernel answer). */
  modelAgrees: boolean | null;
  difference: Difference | null;
}

export interface CompareInput { kernel: KernelSide; model: ModelSide | null; expectation: Expectation }
