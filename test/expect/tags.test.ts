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
