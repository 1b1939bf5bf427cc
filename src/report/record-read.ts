// The inverse of record.ts: a `--json` line (or a line of an --out directory's results.jsonl) back
// into a ProgramRecord, so `merge` can feed every report from saved results. What the JSON line
// does not carry is left empty, never invented: the object file, the model's trace, the
// expectation's ignored tags. The C source is the object's path when it names one (reports read
// it relative to the working directory, as the run printed it).
import { OUTCOMES, type KernelSide, type Outcome } from '../compare/types.js';
import { compilePattern } from '../expect/messages.js';
import type { Expectation } from '../expect/types.js';
import type { ProgramRecord } from '../run/types.js';
import type { KernelVerdict, ModelVerdict } from '../shared/verdict.js';
import type { RecordJson } from './record.js';

/** A record from one parsed JSON line; throws an Error saying what is missing (the caller names the file and line). */
export function recordFromJson(j: RecordJson): ProgramRecord {
  if (!j || typeof j !== 'object') throw new Error('not a JSON object');
  for (const f of ['kernel_spec', 'object', 'outcome'] as const) if (typeof j[f] !== 'string') throw new Error(`no "${f}"`);
  if (!(OUTCOMES as readonly string[]).includes(j.outcome)) throw new Error(`unknown outcome '${j.outcome}'`);
  if (!j.kernel || typeof j.kernel.verdict !== 'string' || !j.model || !Array.isArray(j.reasons)) throw new Error('no "kernel", "model" or "reasons"');
  const messages = j.messages ?? null;
  const expectation: Expectation = {
    result: j.expected ?? null, description: j.description ?? null, modelDiffers: j.declared_difference ?? null,
    messages: (messages ?? []).map((m) => (m.regex ? compilePattern(m.pattern, m.negative) : { text: m.pattern, regex: null, negative: m.negative })),
    logLevel: null, retval: null, auxiliary: false, ignored: [], problems: [],
    // what applied on this record's kernel; the program's other scopes are not in the JSON
    kernels: j.expected_for ? [j.expected_for] : [], scope: j.expected_for ?? null,
  };
  const k = j.kernel;
  const kernelClass = { rule: k.rule, message: k.message, insn: k.insn };
  let kernelSide: KernelSide;
  if (k.verdict === 'accept' || k.verdict === 'reject' || k.verdict === 'loader-error') {
    kernelSide = { kind: 'result', class: kernelClass, result: {
      object: j.object, program: j.program ?? '(object)', section: j.section ?? '', verdict: k.verdict as KernelVerdict,
      errno: k.errno ?? 0, message: k.message, log: k.log ?? '', rule: k.rule,
      ...(k.reports?.length ? { reports: k.reports } : {}), ...(k.stats ? { stats: k.stats } : {}), ...(k.libbpf ? { libbpf: k.libbpf } : {}) } };
  } else if (k.verdict === 'crash' || k.verdict === 'timeout') {
    kernelSide = { kind: k.verdict, error: k.message ?? '', consoleTail: k.console_tail ?? '' };
  } else kernelSide = { kind: 'not-loaded', error: k.message ?? '' };
  const m = j.model;
  const model = m.verdict === 'not-run' ? null : {
    object: j.object, program: j.program ?? '', section: j.section ?? '', verdict: m.verdict as ModelVerdict,
    rule: m.rule, insn: m.insn, message: m.message, ms: m.ms ?? 0, stateAt: m.state_at, ...(m.stack ? { stack: m.stack } : {}),
  };
  return {
    kernel: j.kernel_spec, kernelId: j.kernel_id ?? null, object: j.object, source: j.object.endsWith('.c') ? j.object : null,
    objectFile: null, profile: m.profile ?? null, program: j.program ?? null, section: j.section ?? null, outcome: j.outcome as Outcome, expectation,
    kernelSide, kernelClass: kernelSide.kind === 'result' ? kernelClass : null, model,
    comparison: {
      outcome: j.outcome as Outcome, reasons: j.reasons, expectationOk: null, modelAgrees: null, difference: null,
      messages: messages?.map((x, i) => ({ pattern: expectation.messages[i]!, status: x.status as 'matched', line: x.line })) ?? null,
    },
    insns: j.insns ?? [],
  };
}
