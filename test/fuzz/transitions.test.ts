// Kernel against kernel: transitions between two kernels' answers and whether the model predicts them.
import t from 'tap';
import { summarizeTransitions, transitions } from '../../src/fuzz/transitions.js';
import type { Answer, Observation } from '../../src/fuzz/observe.js';

const A = (verdict: string, rule: string | null = null): Answer => ({ verdict, rule, message: null, insn: null });
const ob = (program: string, kernel: Answer, model: Answer | null): Observation => ({ program, kernel, model, outcome: 'agree', difference: null, log: '' });

t.test('verdict and rule changes, predicted or not, and what is not a transition', async (t) => {
  const a = [
    ob('same', A('accept'), A('accept')),
    ob('tightened', A('accept'), A('accept')),
    ob('relaxed', A('reject', 'graph.nonown.after_unlock'), A('reject', 'graph.nonown.after_unlock')),
    ob('reworded', A('reject', 'graph.lock.missing_unlock'), A('reject', 'graph.lock.missing_unlock')),
    ob('unknown', A('reject', 'r'), A('unsupported', 'model.unsupported.profile')),
    ob('crashed', A('accept'), A('accept')),
    ob('only-a', A('accept'), A('accept')),
  ];
  const b = [
    ob('same', A('accept'), A('accept')),
    ob('tightened', A('reject', 'graph.lock.call_while_locked'), A('reject', 'graph.lock.call_while_locked')),
    ob('relaxed', A('accept'), A('reject', 'graph.nonown.after_unlock')),
    ob('reworded', A('reject', 'graph.lock.exit_locked'), A('reject', 'graph.lock.exit_locked')),
    ob('unknown', A('accept'), A('accept')),
    ob('crashed', A('crash'), null),
  ];
  const ts = transitions({ spec: 'debian:6.12', obs: a }, { spec: 'debian:7.3', obs: b });
  t.same(ts.map((x) => [x.program, x.change, x.predicted]), [
    ['tightened', 'accept->reject', true],
    ['relaxed', 'reject->accept', false],
    ['reworded', 'rule', true],
    ['unknown', 'reject->accept', null],
  ]);
  t.same(ts[0]!.from, { spec: 'debian:6.12', verdict: 'accept', rule: null, message: null });
  t.same(summarizeTransitions(ts), { total: 4, predicted: 2, mispredicted: 1, unknown: 1, byChange: { 'accept->reject': 1, 'reject->accept': 2, rule: 1 } });
});

t.test('the same rule in other words is a message change; predicted when the model says each side\'s words', async (t) => {
  const M = (verdict: string, rule: string | null, message: string | null): Answer => ({ verdict, rule, message, insn: null });
  const rule = 'graph.lock.missing_unlock';
  const a = [
    ob('reworded', M('reject', rule, 'BPF_EXIT instruction cannot be used inside bpf_spin_lock-ed region'), M('reject', rule, 'BPF_EXIT instruction cannot be used inside bpf_spin_lock-ed region')),
    ob('missed', M('reject', rule, 'old words'), M('reject', rule, 'old words')),
    ob('same', M('reject', rule, 'same words'), M('reject', rule, 'same words')),
  ];
  const b = [
    ob('reworded', M('reject', rule, 'bpf_spin_lock-ed region must be unlocked before BPF_EXIT'), M('reject', rule, 'bpf_spin_lock-ed region must be unlocked before BPF_EXIT')),
    ob('missed', M('reject', rule, 'new words'), M('reject', rule, 'old words')),
    ob('same', M('reject', rule, 'same words'), M('reject', rule, 'same words')),
  ];
  const ts = transitions({ spec: 'src:base', obs: a }, { spec: 'src:patched', obs: b });
  t.same(ts.map((x) => [x.program, x.change, x.predicted]), [['reworded', 'message', true], ['missed', 'message', false]]);
  t.equal(ts[0]!.to.message, 'bpf_spin_lock-ed region must be unlocked before BPF_EXIT');
});
