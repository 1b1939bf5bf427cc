// One program's result as plain JSON: the --json line, and the data behind every other report.
import { tailLines } from '../shared/errors.js';
import type { ProgramRecord } from '../run/types.js';
import type { DiagnosticReport, VerifierStats } from '../shared/verdict.js';

export interface SideJson { verdict: string; rule: string | null; message: string | null; insn: number | null }

export interface RecordJson {
  kernel_spec: string;
  kernel_id: string | null;
  object: string;
  program: string | null;
  section: string | null;
  outcome: string;
  expected: 'success' | 'failure' | null;
  /** The __kernel scopes that applied on this kernel ("7.3-"); null: the unscoped declaration. */
  expected_for: string | null;
  description: string | null;
  declared_difference: string | null;
  reasons: string[];
  /** reports: 7.x failure reports (empty before 7.x and for accepted programs); stats: print_verification_stats(). */
  kernel: SideJson & { errno: number | null; log: string; reports: DiagnosticReport[]; stats: VerifierStats | null; libbpf?: string; console_tail?: string };
  model: SideJson & { profile: string | null; state_at: string | null; ms: number | null; stack?: string };
  messages: { pattern: string; regex: boolean; negative: boolean; status: string; line: number | null }[] | null;
  insns: ProgramRecord['insns'];
}

export function recordJson(r: ProgramRecord): RecordJson {
  const k = r.kernelSide;
  const kernel: RecordJson['kernel'] = k.kind === 'result'
    ? { verdict: k.result.verdict, rule: r.kernelClass?.rule ?? null, message: r.kernelClass?.message ?? k.result.message,
        insn: r.kernelClass?.insn ?? null, errno: k.result.errno, log: kernelText(k), reports: k.result.reports ?? [], stats: k.result.stats ?? null, ...(k.result.libbpf ? { libbpf: k.result.libbpf } : {}) }
    : k.kind === 'not-loaded'
      ? { verdict: 'not-loaded', rule: null, message: k.error, insn: null, errno: null, log: '', reports: [], stats: null }
      : { verdict: k.kind, rule: null, message: k.error, insn: null, errno: null, log: '', reports: [], stats: null, console_tail: k.consoleTail };
  const m = r.model;
  return {
    kernel_spec: r.kernel, kernel_id: r.kernelId, object: r.object, program: r.program, section: r.section,
    outcome: r.outcome, expected: r.expectation.result, expected_for: r.expectation.scope, description: r.expectation.description,
    declared_difference: r.expectation.modelDiffers, reasons: r.comparison.reasons, kernel,
    model: m ? { verdict: m.verdict, rule: m.rule, message: m.message, insn: m.insn, profile: r.profile, state_at: m.stateAt ?? null, ms: m.ms, ...(m.stack ? { stack: m.stack } : {}) }
      : { verdict: 'not-run', rule: null, message: null, insn: null, profile: r.profile, state_at: null, ms: null },
    messages: r.comparison.messages?.map((x) => ({ pattern: x.pattern.text, regex: !!x.pattern.regex, negative: x.pattern.negative, status: x.status, line: x.line })) ?? null,
    insns: r.insns,
  };
}

/** What the kernel side left to read: the verifier log (libbpf's messages when there is none), or the guest console's tail. */
export function kernelText(k: ProgramRecord['kernelSide']): string {
  if (k.kind === 'result') return k.result.log || k.result.libbpfLog || '';
  if (k.kind === 'crash' || k.kind === 'timeout') return k.consoleTail;
  return '';
}

/** The kernel log as shown in the terminal: its tail (reports carry all of it). */
export function kernelLogTail(r: ProgramRecord, n = 15): string | null {
  const text = kernelText(r.kernelSide);
  return text ? tailLines(text, n) : null;
}

/** A short name for a program in reports: "programs/list/a.c:prog". */
export function programName(r: Pick<ProgramRecord, 'object' | 'program'>): string {
  return r.program === null ? r.object : `${r.object}:${r.program}`;
}
