// Kernel against kernel: the same generated programs on two kernels (two lines, or a base and a
// patched tree), every program whose kernel verdict, rule or error message changed between them,
// and whether the model predicts the change (the model on kernel A's profile vs on kernel B's). Pure.
import type { Observation } from './observe.js';

export interface Transition {
  program: string;
  from: { spec: string; verdict: string; rule: string | null; message: string | null };
  to: { spec: string; verdict: string; rule: string | null; message: string | null };
  /** 'message': both refuse for the same rule, in other words (a patch that rewords an error, a line that prints it differently). */
  change: 'accept->reject' | 'reject->accept' | 'verdict' | 'rule' | 'message';
  model: { from: { verdict: string; rule: string | null; message: string | null } | null; to: { verdict: string; rule: string | null; message: string | null } | null };
  /** The model changes the same way (verdict and rule on both sides, and the message for a message change); null when it cannot say (unsupported on either side). */
  predicted: boolean | null;
}

const judged = (v: string) => v === 'accept' || v === 'reject';

export function transitions(a: { spec: string; obs: Observation[] }, b: { spec: string; obs: Observation[] }): Transition[] {
  const other = new Map(b.obs.map((o) => [o.program, o]));
  const out: Transition[] = [];
  for (const x of a.obs) {
    const y = other.get(x.program);
    if (!y || !judged(x.kernel.verdict) || !judged(y.kernel.verdict)) continue;   // a compile error, a crash: not a verifier transition
    const change = x.kernel.verdict !== y.kernel.verdict
      ? (x.kernel.verdict === 'accept' ? 'accept->reject' : 'reject->accept')
      : x.kernel.rule !== y.kernel.rule ? 'rule'
      : x.kernel.message !== y.kernel.message ? 'message' : null;
    if (!change) continue;
    const mf = x.model && { verdict: x.model.verdict, rule: x.model.rule, message: x.model.message };
    const mt = y.model && { verdict: y.model.verdict, rule: y.model.rule, message: y.model.message };
    const predicted = !mf || !mt || !judged(mf.verdict) || !judged(mt.verdict) ? null
      : mf.verdict === x.kernel.verdict && mt.verdict === y.kernel.verdict && mf.rule === x.kernel.rule && mt.rule === y.kernel.rule
        && (change !== 'message' || (mf.message === x.kernel.message && mt.message === y.kernel.message));
    out.push({
      program: x.program, change,
      from: { spec: a.spec, verdict: x.kernel.verdict, rule: x.kernel.rule, message: x.kernel.message },
      to: { spec: b.spec, verdict: y.kernel.verdict, rule: y.kernel.rule, message: y.kernel.message },
      model: { from: mf, to: mt }, predicted,
    });
  }
  return out;
}

export interface TransitionSummary { total: number; predicted: number; mispredicted: number; unknown: number; byChange: Record<string, number> }

export function summarizeTransitions(ts: Transition[]): TransitionSummary {
  const byChange: Record<string, number> = {};
  for (const t of ts) byChange[t.change] = (byChange[t.change] ?? 0) + 1;
  return { total: ts.length, predicted: ts.filter((t) => t.predicted === true).length,
    mispredicted: ts.filter((t) => t.predicted === false).length, unknown: ts.filter((t) => t.predicted === null).length, byChange };
}
