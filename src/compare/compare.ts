// The comparison rules. Pure: no I/O, no knowledge of particular programs.
// Order of precedence: the kernel could not answer (crash, timeout, loader/build error) >
// the model failed internally (a bug: never hidden behind another outcome or a declaration) >
// kernel vs declared expectation > model outside its scope > model vs kernel (verdict, rule,
// instruction, message) > a declared model difference that no longer exists (red until the
// declaration is removed).
import { matchMessages } from '../expect/messages.js';
import type { Expectation } from '../expect/types.js';
import type { KernelResult } from '../shared/verdict.js';
import type { CompareInput, Comparison, Difference, KernelClass, ModelSide } from './types.js';

export function compare({ kernel, model, expectation }: CompareInput): Comparison {
  const none = { expectationOk: null, messages: null, modelAgrees: null, difference: null };
  switch (kernel.kind) {
    case 'crash':
      return { outcome: 'crash', reasons: [`the kernel crashed while loading: ${kernel.error}`], ...none };
    case 'timeout':
      return { outcome: 'timeout', reasons: [`the guest stopped answering: ${kernel.error}`], ...none };
    case 'not-loaded':
      return { outcome: 'loader-error', reasons: [kernel.error], ...none };
    case 'result':
      return compareResult(kernel.result, kernel.class, model, expectation);
  }
}

function compareResult(k: KernelResult, kc: KernelClass, model: ModelSide | null, e: Expectation): Comparison {
  const reasons: string[] = [];
  // A loader error the classifier recognises (BTF or map rejected before the verifier ran) is a
  // kernel rejection like any other; an unrecognised one means the kernel never judged the program.
  const rejected = k.verdict !== 'accept';
  if (k.verdict === 'loader-error' && kc.rule === null) {
    const why = `libbpf failed before the verifier judged the program (errno ${k.errno}): ${k.message ?? 'no message'}`;
    return { outcome: 'loader-error', reasons: [why], expectationOk: null, messages: null, modelAgrees: null, difference: null };
  }

  const exp = checkExpectation(k, rejected, e);
  reasons.push(...exp.reasons);
  const vs = compareModel(k, kc, model);
  if (vs.reason) reasons.push(vs.reason);
  const base = { expectationOk: exp.ok, messages: exp.messages, modelAgrees: vs.agrees, difference: vs.difference };

  if (model?.verdict === 'model-error') return { outcome: 'model-error', reasons, ...base };
  if (exp.ok === false) return { outcome: 'expectation-differs', reasons, ...base };
  if (vs.agrees === null) {
    if (e.modelDiffers) return { outcome: 'declared', reasons: [...reasons, `declared: ${e.modelDiffers}`], ...base };
    return { outcome: 'unsupported', reasons, ...base };
  }
  if (!vs.agrees) {
    if (e.modelDiffers) return { outcome: 'declared', reasons: [...reasons, `declared: ${e.modelDiffers}`], ...base };
    return { outcome: 'model-differs', reasons, ...base };
  }
  if (e.modelDiffers) {
    const reason = `the declared model difference is gone ("${e.modelDiffers}"): model and kernel now agree; remove __model_differs`;
    return { outcome: 'model-differs', reasons: [...reasons, reason], ...base, difference: { kind: 'stale-declaration', reason: e.modelDiffers } };
  }
  return { outcome: 'agree', reasons, ...base };
}

function checkExpectation(k: KernelResult, rejected: boolean, e: Expectation) {
  const reasons: string[] = [];
  let ok: boolean | null = null;
  if (e.problems.length) {
    ok = false;
    reasons.push(...e.problems.map((p) => `bad annotation: ${p}`));
  }
  if (e.result) {
    const kernelSaid = rejected ? 'rejects' : 'accepts';
    if ((e.result === 'failure') === rejected) ok = ok ?? true;
    else {
      ok = false;
      reasons.push(`the kernel ${kernelSaid} the program; it declares __${e.result}`);
    }
  }
  let messages = null;
  if (e.messages.length) {
    const m = matchMessages(k.log, e.messages);
    messages = m.table;
    if (m.ok) ok = ok ?? true;
    else {
      ok = false;
      const first = m.table.find((r) => r.status === 'expected' || r.status === 'unexpected');
      reasons.push(first?.status === 'unexpected'
        ? `the kernel log contains '${first.pattern.text}', declared __not_msg`
        : `the kernel log lacks the declared message '${first?.pattern.text}'` + (k.log ? '' : ' (the log is empty)'));
    }
  }
  return { ok, messages, reasons };
}

function compareModel(k: KernelResult, kc: KernelClass, model: ModelSide | null):
  { agrees: boolean | null; difference: Difference | null; reason: string | null } {
  if (!model) return { agrees: null, difference: null, reason: 'the model was not run' };
  const kv = k.verdict === 'accept' ? 'accept' : 'reject';
  switch (model.verdict) {
    case 'unsupported':
      return { agrees: null, difference: null, reason: `outside the model: ${model.message ?? model.rule ?? 'no reason given'}${model.rule && model.message ? ` (${model.rule})` : ''}` };
    case 'error': {
      const d: Difference = { kind: 'model-error', message: model.message };
      return { agrees: false, difference: d, reason: `the model could not walk the object: ${model.message ?? 'no message'}` };
    }
    case 'model-error': {
      const d: Difference = { kind: 'model-error', message: model.message };
      return { agrees: false, difference: d, reason: `the model failed (a bug in the model, not a verdict): ${model.message ?? 'no message'}` };
    }
    case 'accept':
    case 'reject':
      break;
  }
  if (model.verdict !== kv) {
    const d: Difference = { kind: 'verdict', kernel: kv, model: model.verdict };
    return { agrees: false, difference: d, reason: `the kernel ${kv}s, the model ${model.verdict}s` };
  }
  if (kv === 'accept') return { agrees: true, difference: null, reason: null };
  return compareRejections(k, kc, model);
}

/**
 * Both reject: agree only when rule, instruction and message all agree (the README's meaning of
 * `agree`). A side without a rule id (a kernel message the classifier does not know, or a model
 * finding without one) is compared by its message alone.
 */
function compareRejections(k: KernelResult, kc: KernelClass, m: ModelSide) {
  if (kc.rule !== null && m.rule !== null && kc.rule !== m.rule) {
    const d: Difference = { kind: 'rule', kernel: kc.rule, model: m.rule };
    return { agrees: false, difference: d, reason: `both reject, by different rules: kernel ${kc.rule}, model ${m.rule}` };
  }
  const rule = kc.rule ?? m.rule;
  if (kc.insn !== null && m.insn !== null && kc.insn !== m.insn) {
    const d: Difference = { kind: 'insn', rule, kernel: kc.insn, model: m.insn };
    return { agrees: false, difference: d, reason: `both reject${rule ? ` by ${rule}` : ''}, at different instructions: kernel ${kc.insn}, model ${m.insn}` };
  }
  const kernelText = kc.message ?? k.message;
  if (kernelText === m.message) return { agrees: true, difference: null, reason: null };
  const d: Difference = { kind: 'message', kernel: kernelText, model: m.message };
  const why = kc.rule === null ? 'the kernel message is not classified and the messages differ'
    : m.rule === null ? 'the model names no rule and the messages differ'
    : `same rule ${rule} and instruction, different messages`;
  return { agrees: false, difference: d, reason: `both reject; ${why}: kernel '${kernelText ?? ''}', model '${m.message ?? ''}'` };
}
