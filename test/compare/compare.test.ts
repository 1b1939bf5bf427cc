// Unit tests on hand-written KernelResult/ModelResult values (not recorded from a kernel).
import t from 'tap';
import { compare } from '../../src/compare/compare.js';
import { isGreen, type KernelClass, type ModelSide } from '../../src/compare/types.js';
import { parseExpectation } from '../../src/expect/tags.js';
import type { KernelResult } from '../../src/shared/verdict.js';

const LEAK_LOG = '9: (95) exit\nUnreleased reference id=2 alloc_insn=5\nprocessed 10 insns\n';

function kernel(verdict: KernelResult['verdict'], log = '', errno = verdict === 'accept' ? 0 : 13): KernelResult {
  return { object: 'a.c', program: 'p', section: 'tc', verdict, errno, message: log.split('\n').filter(Boolean).at(-2) ?? null, log };
}
function model(verdict: ModelSide['verdict'], rule: string | null = null, insn: number | null = null, message: string | null = null): ModelSide {
  return { object: 'a.c', program: 'p', section: 'tc', verdict, rule, insn, message, ms: 0.1, stateAt: null };
}
const kc = (rule: string | null, insn: number | null = null, message: string | null = null): KernelClass => ({ rule, insn, message });
const LEAK = 'Unreleased reference id=2 alloc_insn=5';
const res = (k: KernelResult, c: KernelClass) => ({ kind: 'result' as const, result: k, class: c });
const exp = (...tags: string[]) => parseExpectation(tags.map((s) => `comment:${s}`));

t.test('agree: both accept as declared; both reject by the same rule at the same insn', async (t) => {
  t.equal(compare({ kernel: res(kernel('accept'), kc(null)), model: model('accept'), expectation: exp('test_expect_success') }).outcome, 'agree');
  const c = compare({
    kernel: res(kernel('reject', LEAK_LOG), kc('ref.unreleased', 9, LEAK)),
    model: model('reject', 'ref.unreleased', 9, 'Unreleased reference id=2 alloc_insn=5'),
    expectation: exp('test_expect_failure', 'test_expect_msg=Unreleased reference id={{[0-9]+}}'),
  });
  t.equal(c.outcome, 'agree');
  t.same(c.messages?.map((m) => m.status), ['matched']);
  t.equal(c.expectationOk, true);
  t.equal(c.modelAgrees, true);
});

t.test('model-differs: verdict, rule, instruction and message differences are all differences', async (t) => {
  const k = res(kernel('reject', LEAK_LOG), kc('ref.unreleased', 9, LEAK));
  const v = compare({ kernel: k, model: model('accept'), expectation: exp('test_expect_failure') });
  t.equal(v.outcome, 'model-differs');
  t.same(v.difference, { kind: 'verdict', kernel: 'reject', model: 'accept' });
  const r = compare({ kernel: k, model: model('reject', 'graph.lock_not_held', 9), expectation: exp('test_expect_failure') });
  t.same(r.difference, { kind: 'rule', kernel: 'ref.unreleased', model: 'graph.lock_not_held' });
  const i = compare({ kernel: k, model: model('reject', 'ref.unreleased', 7), expectation: exp() });
  t.equal(i.outcome, 'model-differs');
  t.same(i.difference, { kind: 'insn', rule: 'ref.unreleased', kernel: 9, model: 7 });
  const e = compare({ kernel: k, model: model('error', null, null, 'bad insn'), expectation: exp() });
  t.equal(e.outcome, 'model-differs');
  // same rule, same instruction, different numbers in the message: not agreement
  const msg = compare({ kernel: k, model: model('reject', 'ref.unreleased', 9, 'Unreleased reference id=3 alloc_insn=5'), expectation: exp() });
  t.equal(msg.outcome, 'model-differs');
  t.same(msg.difference, { kind: 'message', kernel: LEAK, model: 'Unreleased reference id=3 alloc_insn=5' });
  t.match(msg.reasons.join('\n'), /same rule ref\.unreleased and instruction, different messages/);
  const off = res(kernel('reject', '5: (61) r1 = *(u32 *)(r0 +8)\ninvalid access to map value, value_size=8 off=8 size=4\n'),
    kc('map.value_out_of_bounds', 5, 'invalid access to map value, value_size=8 off=8 size=4'));
  t.equal(compare({ kernel: off, model: model('reject', 'map.value_out_of_bounds', 5, 'invalid access to map value, value_size=8 off=25 size=4'), expectation: exp() }).outcome, 'model-differs');
  t.equal(compare({ kernel: off, model: model('reject', 'map.value_out_of_bounds', 5, 'invalid access to map value, value_size=8 off=8 size=4'), expectation: exp() }).outcome, 'agree');
});

t.test('model-error: an exception inside the model is its own red outcome, never hidden', async (t) => {
  const k = res(kernel('reject', LEAK_LOG), kc('ref.unreleased', 9, LEAK));
  const me: ModelSide = { ...model('model-error', 'model.internal', null, 'internal model error: TypeError: x is undefined'), stack: 'TypeError: x is undefined\n    at step' };
  for (const expectation of [exp(), exp('test_expect_success'), exp('test_expect_failure', 'bpf_verdict_model_differs=known')]) {
    const c = compare({ kernel: k, model: me, expectation });
    t.equal(c.outcome, 'model-error');
    t.notOk(isGreen(c.outcome));
    t.match(c.reasons.join('\n'), /a bug in the model, not a verdict/);
  }
});

t.test('unclassified kernel message: compared by text', async (t) => {
  const k = res(kernel('reject', LEAK_LOG), kc(null));
  t.equal(compare({ kernel: k, model: model('reject', 'ref.unreleased', 9, 'Unreleased reference id=2 alloc_insn=5'), expectation: exp() }).outcome, 'agree');
  t.equal(compare({ kernel: k, model: model('reject', 'ref.unreleased', 9, 'Unreleased reference id=2 alloc_insn=4'), expectation: exp() }).outcome, 'model-differs',
    'the message, not a substring of the log somewhere');
  const d = compare({ kernel: k, model: model('reject', 'x', 9, 'something else'), expectation: exp() });
  t.equal(d.outcome, 'model-differs');
  t.equal(d.difference?.kind, 'message');
});

t.test('expectation-differs wins over model agreement, with the message table', async (t) => {
  const k = res(kernel('reject', LEAK_LOG), kc('ref.unreleased', 9));
  const c = compare({ kernel: k, model: model('reject', 'ref.unreleased', 9), expectation: exp('test_expect_success') });
  t.equal(c.outcome, 'expectation-differs');
  t.match(c.reasons[0], /kernel rejects the program; it declares __success/);
  const m = compare({ kernel: k, model: model('reject', 'ref.unreleased', 9), expectation: exp('test_expect_failure', 'test_expect_msg=Unreleased', 'test_expect_msg=alloc_insn=6') });
  t.equal(m.outcome, 'expectation-differs');
  t.same(m.messages?.map((x) => x.status), ['matched', 'expected']);
  const accepted = compare({ kernel: res(kernel('accept'), kc(null)), model: model('accept'), expectation: exp('test_expect_failure') });
  t.equal(accepted.outcome, 'expectation-differs');
  const bad = compare({ kernel: res(kernel('accept'), kc(null)), model: model('accept'), expectation: exp('test_expect_success', 'test_expect_msg=a{{(') });
  t.equal(bad.outcome, 'expectation-differs');
  t.match(bad.reasons.join('\n'), /bad annotation/);
});

t.test('declared model differences: declared while present, red once gone', async (t) => {
  const k = res(kernel('reject', LEAK_LOG), kc('ref.unreleased', 9, LEAK));
  const declared = exp('test_expect_failure', 'bpf_verdict_model_differs=the model does not follow bpf_loop');
  const d = compare({ kernel: k, model: model('accept'), expectation: declared });
  t.equal(d.outcome, 'declared');
  t.ok(isGreen(d.outcome));
  const u = compare({ kernel: k, model: model('unsupported', 'helper.bpf_loop'), expectation: declared });
  t.equal(u.outcome, 'declared');
  const gone = compare({ kernel: k, model: model('reject', 'ref.unreleased', 9, LEAK), expectation: declared });
  t.equal(gone.outcome, 'model-differs');
  t.equal(gone.difference?.kind, 'stale-declaration');
  t.match(gone.reasons.at(-1), /remove __model_differs/);
  t.notOk(isGreen(gone.outcome));
});

t.test('unsupported, loader-error, crash, timeout', async (t) => {
  t.equal(compare({ kernel: res(kernel('accept'), kc(null)), model: model('unsupported', 'insn.atomic'), expectation: exp() }).outcome, 'unsupported');
  const le = compare({ kernel: res(kernel('loader-error', '', 22), kc(null)), model: model('reject', 'btf.x'), expectation: exp('test_expect_failure') });
  t.equal(le.outcome, 'loader-error');
  // A loader error the classifier recognises (e.g. BTF rejected before the verifier) is a rejection.
  const btf = compare({ kernel: res(kernel('loader-error', '', 22), kc('btf.two_spin_locks')), model: model('reject', 'btf.two_spin_locks'), expectation: exp('test_expect_failure') });
  t.equal(btf.outcome, 'agree');
  t.equal(compare({ kernel: { kind: 'crash', error: 'Kernel panic', consoleTail: '' }, model: model('accept'), expectation: exp() }).outcome, 'crash');
  t.equal(compare({ kernel: { kind: 'timeout', error: 'no answer in 60 s', consoleTail: '' }, model: model('accept'), expectation: exp() }).outcome, 'timeout');
  t.equal(compare({ kernel: { kind: 'not-loaded', error: 'x.c: error: ...' }, model: null, expectation: exp() }).outcome, 'loader-error');
  t.equal(compare({ kernel: res(kernel('accept'), kc(null)), model: null, expectation: exp() }).outcome, 'unsupported');
});
