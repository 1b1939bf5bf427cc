// One generated program's answer on one kernel: what the kernel and the model said, compared as
// `run` compares them (src/compare), and the disagreement's signature, which the shrinker keeps
// fixed while it deletes statements and the findings are de-duplicated by.
import { compare } from '../compare/compare.js';
import type { Difference, KernelClass, KernelSide, ModelSide, Outcome } from '../compare/types.js';
import { parseExpectation } from '../expect/tags.js';
import type { KernelResult } from '../shared/verdict.js';

/** One side's answer in the four fields `run` compares. */
export interface Answer {
  /** kernel: accept, reject, loader-error, crash, timeout, compile-error; model: accept, reject, unsupported, error, model-error. */
  verdict: string;
  rule: string | null;
  message: string | null;
  insn: number | null;
}

export interface Observation {
  program: string;
  kernel: Answer;
  model: Answer | null;
  /** As `run` names it (no declaration: agree, model-differs, unsupported, crash, ...). */
  outcome: Outcome;
  difference: Difference | null;
  /** The whole verifier log (a finding shows its tail), or the compile / console error. */
  log: string;
}

/**
 * What kind of disagreement: the model accepts what the kernel rejects (the one that hides bugs),
 * the reverse, both reject for another rule / at another instruction / in other words, the model
 * failed, or the kernel crashed or hung. Null: nothing to report.
 */
export type FindingKind = 'wrong-accept' | 'wrong-reject' | 'rule' | 'insn' | 'message' | 'model-error' | 'crash' | 'timeout';

/** What the shrinker keeps fixed and findings are de-duplicated by. */
export interface Signature { kind: FindingKind; kernelRule: string | null; modelRule: string | null }

export const signatureKey = (s: Signature): string => `${s.kind}|${s.kernelRule ?? '-'}|${s.modelRule ?? '-'}`;
export const sameSignature = (a: Signature | null, b: Signature): boolean => a !== null && signatureKey(a) === signatureKey(b);

/** The kernel's result and the model's answer for one program -> an observation (no declaration: the program declares nothing). */
export function observe(program: string, kernel: KernelSide, model: ModelSide | null): Observation {
  const c = compare({ kernel, model, expectation: parseExpectation([]) });
  return { program, kernel: kernelAnswer(kernel), model: model && modelAnswer(model), outcome: c.outcome, difference: c.difference, log: kernelLog(kernel) };
}

/** A program whose C did not compile (alone): never loaded. */
export function notCompiled(program: string, error: string): Observation {
  return { program, kernel: { verdict: 'compile-error', rule: null, message: error.split('\n')[0] ?? null, insn: null }, model: null,
    outcome: 'loader-error', difference: null, log: error };
}

export function kernelSideOf(result: KernelResult, cls: KernelClass): KernelSide {
  return { kind: 'result', result, class: cls };
}

function kernelAnswer(k: KernelSide): Answer {
  switch (k.kind) {
    case 'result': return { verdict: k.result.verdict, rule: k.class.rule, message: k.class.message ?? k.result.message, insn: k.class.insn };
    case 'crash': case 'timeout': return { verdict: k.kind, rule: null, message: k.error.split('\n')[0] ?? null, insn: null };
    case 'not-loaded': return { verdict: 'loader-error', rule: null, message: k.error.split('\n')[0] ?? null, insn: null };
  }
}

function modelAnswer(m: ModelSide): Answer {
  return { verdict: m.verdict, rule: m.rule, message: m.message, insn: m.insn };
}

function kernelLog(k: KernelSide): string {
  switch (k.kind) {
    case 'result': return k.result.log || k.result.libbpfLog || '';
    case 'crash': case 'timeout': return `${k.error}\n${k.consoleTail}`;
    case 'not-loaded': return k.error;
  }
}

/** The disagreement an observation shows, or null (agreement, unsupported, a program that never reached the kernel). */
export function signatureOf(o: Observation): Signature | null {
  const kr = o.kernel.rule, mr = o.model?.rule ?? null;
  if (o.outcome === 'crash' || o.outcome === 'timeout') return { kind: o.outcome, kernelRule: null, modelRule: null };
  if (o.outcome === 'model-error') return { kind: 'model-error', kernelRule: kr, modelRule: null };
  if (o.outcome !== 'model-differs' || !o.difference) return null;
  switch (o.difference.kind) {
    case 'verdict': return { kind: o.difference.model === 'accept' ? 'wrong-accept' : 'wrong-reject', kernelRule: kr, modelRule: mr };
    case 'rule': return { kind: 'rule', kernelRule: kr, modelRule: mr };
    case 'insn': return { kind: 'insn', kernelRule: kr, modelRule: mr };
    case 'message': return { kind: 'message', kernelRule: kr, modelRule: mr };
    case 'model-error': return { kind: 'model-error', kernelRule: kr, modelRule: null };
    case 'stale-declaration': return null;
  }
}
