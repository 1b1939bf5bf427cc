import t from 'tap';
import { parseExpectation, describeExpectation } from '../../src/expect/tags.js';

t.test('6.12 bpf_misc.h form: counters stripped, BTF order kept', async (t) => {
  const e = parseExpectation([
    'comment:test_expect_failure',
    'comment:test_expect_msg=3=Unreleased reference id=2',
    'comment:test_expect_msg=4=alloc_insn={{[0-9]+}}',
    'comment:test_description=leaks a node',
  ]);
  t.equal(e.result, 'failure');
  t.same(e.messages.map((m) => m.text), ['Unreleased reference id=2', 'alloc_insn={{[0-9]+}}']);
  t.equal(e.messages[0]!.regex, null);
  t.ok(e.messages[1]!.regex);
  t.equal(e.description, 'leaks a node');
  t.same(e.problems, []);
});

t.test('our header form: message kept whole, even with "=" inside', async (t) => {
  const e = parseExpectation(['comment:test_expect_msg=R1 type=scalar expected=fp', 'comment:test_expect_success']);
  t.same(e.messages.map((m) => m.text), ['R1 type=scalar expected=fp']);
  t.equal(e.result, 'success');
});

t.test('newer ordered form: sorted by the tag number, not BTF order', async (t) => {
  const e = parseExpectation([
    'comment:12:test_expect_msg=second',
    'comment:3:test_expect_failure',
    'comment:11:test_expect_msg=first',
    'comment:13:test_log_level=2',
  ]);
  t.equal(e.result, 'failure');
  t.same(e.messages.map((m) => m.text), ['first', 'second']);
  t.equal(e.logLevel, 2);
});

t.test('model difference, retval, auxiliary, ignored and non-test tags', async (t) => {
  const e = parseExpectation([
    'comment:bpf_verdict_model_differs=model does not track bpf_loop callbacks',
    'comment:test_retval=0x10',
    'comment:test_auxiliary',
    'comment:test_expect_failure_unpriv',
    'arg:ctx',
    'comment:something_else',
  ]);
  t.equal(e.modelDiffers, 'model does not track bpf_loop callbacks');
  t.equal(e.retval, '0x10');
  t.equal(e.auxiliary, true);
  t.same(e.ignored, ['comment:test_expect_failure_unpriv']);
  t.equal(e.result, null);
  t.equal(describeExpectation(e), 'none');
});

t.test('malformed annotations are problems, not exceptions', async (t) => {
  const e = parseExpectation(['comment:test_expect_msg=oops {{[0-9]', 'comment:test_log_level=two']);
  t.equal(e.messages.length, 0);
  t.equal(e.problems.length, 2);
  t.match(e.problems[0]!, /no closing '}}'/);
  t.match(e.problems[1]!, /not a number/);
});

t.test('last of success/failure wins, as in test_loader', async (t) => {
  t.equal(parseExpectation(['comment:test_expect_failure', 'comment:test_expect_success']).result, 'success');
  t.equal(describeExpectation(parseExpectation(['comment:test_expect_failure', 'comment:test_expect_msg=a', 'comment:test_expect_msg=b'])), 'failure, 2 messages');
});

// Per-kernel declarations, as programs/include/bpf_verdict.h writes them (comment:<n>:..., in order).
const tagged = (...bodies: string[]) => bodies.map((b, i) => `comment:${100 + i}:${b}`);

t.test('__kernel scopes: a later kernel line declares another verdict', async (t) => {
  const tags = tagged('test_expect_failure', 'test_expect_msg=function calls are not allowed while holding a lock',
    'bpf_verdict_kernel=7.0-', 'test_expect_success');
  const old = parseExpectation(tags, '6.12.117+deb12-amd64');
  t.equal(old.result, 'failure');
  t.same(old.messages.map((m) => m.text), ['function calls are not allowed while holding a lock']);
  t.equal(old.scope, null);
  const now = parseExpectation(tags, '7.3.4+deb13-amd64');
  t.equal(now.result, 'success');
  t.same(now.messages, [], 'a scope\'s verdict replaces the messages too');
  t.equal(now.scope, '7.0-');
  t.same(now.kernels, ['7.0-']);
  t.equal(describeExpectation(now), 'success (for kernels 7.0-)');
  t.equal(parseExpectation(tags).result, 'failure', 'no release: only the unscoped tags');
});

t.test('__kernel scopes: messages only, model differences only, and a scope per line', async (t) => {
  const tags = tagged('test_expect_failure', 'test_expect_msg=arg#0 is neither owning or non-owning ref',
    'bpf_verdict_kernel=7.3-', 'test_expect_msg=R1 is neither owning or non-owning ref',
    'bpf_verdict_kernel=7.3-', 'bpf_verdict_model_differs=the model speaks 6.12');
  const e612 = parseExpectation(tags, '6.12.117');
  t.same([e612.result, e612.messages.map((m) => m.text), e612.modelDiffers], ['failure', ['arg#0 is neither owning or non-owning ref'], null]);
  const e73 = parseExpectation(tags, '7.3.4+deb13-amd64');
  t.same([e73.result, e73.messages.map((m) => m.text), e73.modelDiffers], ['failure', ['R1 is neither owning or non-owning ref'], 'the model speaks 6.12'],
    'the verdict is kept, messages and model difference replaced');
  t.equal(e73.scope, '7.3-', 'each range named once');

  const lines = tagged('bpf_verdict_kernel=-6.12', 'test_expect_failure', 'test_expect_msg=old',
    'bpf_verdict_kernel=6.13-7.2', 'test_expect_failure', 'test_expect_msg=middle', 'bpf_verdict_kernel=7.3', 'test_expect_success');
  t.same(['6.1.192', '6.12.117', '6.13.0', '7.2.13', '7.3.4', '7.4.0'].map((r) => {
    const e = parseExpectation(lines, r);
    return `${e.result}:${e.messages.map((m) => m.text).join()}`;
  }), ['failure:old', 'failure:old', 'failure:middle', 'failure:middle', 'success:', 'null:']);
});

t.test('__kernel scopes: equal tags in two scopes stay apart (the counter), later scopes win', async (t) => {
  const tags = tagged('bpf_verdict_kernel=6.12', 'test_expect_failure', 'bpf_verdict_kernel=6.12-', 'test_expect_failure',
    'test_expect_msg=x', 'bpf_verdict_kernel=6.12.100-', 'test_expect_msg=y');
  t.same(parseExpectation(tags, '6.12.99').messages.map((m) => m.text), ['x']);
  t.same(parseExpectation(tags, '6.12.117').messages.map((m) => m.text), ['y'], 'a patch-level bound');
});

t.test('__kernel scopes: a bad range is a problem that names the fix, and its tags apply nowhere', async (t) => {
  for (const [range, why] of [['7.x-', /'7\.x' is not a kernel version/], ['-', /needs at least one version/], ['7.3-7.1', /range is empty/]] as const) {
    const e = parseExpectation(tagged('test_expect_failure', `bpf_verdict_kernel=${range}`, 'test_expect_success'), '7.3.4');
    t.match(e.problems.join('\n'), why, range);
    t.equal(e.result, 'failure', `${range}: the unreadable scope's tags are not applied`);
  }
  t.match(parseExpectation(tagged('bpf_verdict_kernel=7.0-', 'test_expect_success'), 'weird').problems.join(), /'weird' has no version/);
});

t.test('__kernel scopes: the log level is the highest any scope asks for (one load per object)', async (t) => {
  t.equal(parseExpectation(tagged('test_log_level=1', 'bpf_verdict_kernel=7.0-', 'test_log_level=2'), '6.12.117').logLevel, 2);
});
