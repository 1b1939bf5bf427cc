// Base kernel vs head kernel, per program, next to the model (pure: records in, rows out).
// A program "changed" when the kernel's verdict, rule or message differs between the two kernels.
// A change is "flagged" when the head kernel now disagrees with the model or with the program's
// declared expectation: that is what a patch author must look at before posting.
import type { ProgramRecord, RunResult } from '../run/types.js';
import { recordJson } from '../report/record.js';

export interface Side { verdict: string; rule: string | null; message: string | null }

export type Change =
  | 'accept->reject' | 'reject->accept'   // the verdicts that matter most
  | 'verdict'                             // any other verdict change (crash, loader-error, missing...)
  | 'rule' | 'message';                   // same verdict, different reason / different words

export interface RegressRow {
  object: string;
  program: string | null;        // null: the object failed before any program existed (compile error)
  section: string | null;
  base: Side;
  head: Side;
  changed: boolean;
  change: Change | null;
  model: Side | null;            // the model on the head kernel's object (null: not run)
  /** Does the model agree with the head kernel? null: not comparable (model unsupported, no kernel answer). */
  model_agrees: boolean | null;
  expected: 'success' | 'failure' | null;
  /** Does the head kernel do what the program declares? null: nothing declared. */
  expectation_ok: boolean | null;
  /** changed, and the head kernel disagrees with the model or the declaration. */
  flagged: boolean;
}

/** A program present on one kernel only (e.g. it compiled against one vmlinux.h only). */
const MISSING: Side = { verdict: 'missing', rule: null, message: null };

export function sideOf(r: ProgramRecord | undefined): Side {
  if (!r) return MISSING;
  const k = recordJson(r).kernel;
  return { verdict: k.verdict, rule: k.rule, message: k.message };
}

export function changeOf(base: Side, head: Side): Change | null {
  if (base.verdict !== head.verdict) {
    if (base.verdict === 'accept' && head.verdict === 'reject') return 'accept->reject';
    if (base.verdict === 'reject' && head.verdict === 'accept') return 'reject->accept';
    return 'verdict';
  }
  if (base.rule !== head.rule) return 'rule';
  if (base.message !== head.message) return 'message';
  return null;
}

const keyOf = (r: ProgramRecord) => `${r.object}\0${r.program ?? ''}`;

/** Pair the two kernels' records by (object, program), in the corpus order (base first, then head-only). */
export function regressRows(result: RunResult, baseSpec: string, headSpec: string): RegressRow[] {
  const base = new Map(result.records.filter((r) => r.kernel === baseSpec).map((r) => [keyOf(r), r]));
  const head = new Map(result.records.filter((r) => r.kernel === headSpec).map((r) => [keyOf(r), r]));
  const keys = [...new Set([...base.keys(), ...head.keys()])];
  return keys.map((k) => row(base.get(k), head.get(k)));
}

function row(b: ProgramRecord | undefined, h: ProgramRecord | undefined): RegressRow {
  const any = (h ?? b)!;
  const baseSide = sideOf(b);
  const headSide = sideOf(h);
  const change = changeOf(baseSide, headSide);
  const m = h?.model ?? null;
  const model = m ? { verdict: m.verdict, rule: m.rule, message: m.message } : null;
  const modelAgrees = h ? h.comparison.modelAgrees : null;
  const expectationOk = h ? h.comparison.expectationOk : null;
  return {
    object: any.object, program: any.program, section: any.section,
    base: baseSide, head: headSide, changed: change !== null, change, model,
    model_agrees: modelAgrees, expected: any.expectation.result, expectation_ok: expectationOk,
    flagged: change !== null && (modelAgrees === false || expectationOk === false || !h),
  };
}

export interface RegressSummary {
  programs: number;
  changed: number;
  flagged: number;
  modelAgreesWithChange: number;
  byChange: Record<Change, number>;
}

export function summarize(rows: RegressRow[]): RegressSummary {
  const byChange: Record<Change, number> = { 'accept->reject': 0, 'reject->accept': 0, verdict: 0, rule: 0, message: 0 };
  for (const r of rows) if (r.change) byChange[r.change]++;
  return {
    programs: rows.length,
    changed: rows.filter((r) => r.changed).length,
    flagged: rows.filter((r) => r.flagged).length,
    modelAgreesWithChange: rows.filter((r) => r.changed && r.model_agrees === true).length,
    byChange,
  };
}

/** 0: no change disagrees with the model or a declaration; 1: some do; 3: a kernel was unusable. */
export function regressExitCode(result: RunResult, rows: RegressRow[]): 0 | 1 | 3 {
  if (result.kernels.some((k) => k.error)) return 3;
  return rows.some((r) => r.flagged) ? 1 : 0;
}
