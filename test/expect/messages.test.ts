import t from 'tap';
import { compilePattern, matchMessages, formatMatchTable } from '../../src/expect/messages.js';

// A 6.12-style verifier log (hand-written in the kernel's format, not recorded).
const LOG = [
  '0: R1=ctx() R10=fp0',
  '0: (b7) r1 = 16                       ; R1_w=16',
  '5: (85) call bpf_obj_new_impl#59806   ; R0_w=ptr_or_null_node_data(id=2,ref_obj_id=2)',
  '9: (95) exit',
  'Unreleased reference id=2 alloc_insn=5',
  'processed 10 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0',
].join('\n');

t.test('substrings match in order, each after the previous match', async (t) => {
  const ok = matchMessages(LOG, [compilePattern('call bpf_obj_new_impl'), compilePattern('Unreleased reference')]);
  t.ok(ok.ok);
  t.same(ok.table.map((m) => [m.status, m.line]), [['matched', 3], ['matched', 5]]);
  const wrongOrder = matchMessages(LOG, [compilePattern('Unreleased reference'), compilePattern('call bpf_obj_new_impl')]);
  t.notOk(wrongOrder.ok);
  t.same(wrongOrder.table.map((m) => m.status), ['matched', 'expected']);
});

t.test('{{regex}} parts; verbatim parts are escaped', async (t) => {
  t.ok(matchMessages(LOG, [compilePattern('Unreleased reference id={{[0-9]+}} alloc_insn={{[[:digit:]]+}}')]).ok);
  t.ok(matchMessages(LOG, [compilePattern('R0_w=ptr_or_null_node_data(id=2')]).ok, 'parentheses are literal');
  t.notOk(matchMessages(LOG, [compilePattern('id={{[a-z]+}} alloc')]).ok);
  // REG_NEWLINE: '.' does not cross lines.
  t.notOk(matchMessages(LOG, [compilePattern('exit{{.*}}Unreleased')]).ok);
});

t.test('after the first miss the rest are unchecked; the table reads like test_loader', async (t) => {
  const r = matchMessages(LOG, [compilePattern('call bpf_obj_new_impl'), compilePattern('R1 invalid mem access'), compilePattern('exit')]);
  t.same(r.table.map((m) => m.status), ['matched', 'expected', 'unchecked']);
  const text = formatMatchTable(r.table);
  t.match(text, /^MATCHED\s+SUBSTR: 'call bpf_obj_new_impl' \(log line 3\)$/m);
  t.match(text, /^EXPECTED\s+SUBSTR: 'R1 invalid mem access'$/m);
});

t.test('__not_msg: must not appear between the neighbouring matches', async (t) => {
  const bad = matchMessages(LOG, [compilePattern('bpf_obj_new_impl'), compilePattern('exit', true), compilePattern('Unreleased')]);
  t.notOk(bad.ok);
  t.same(bad.table.map((m) => m.status), ['matched', 'unexpected', 'unchecked']);
  t.match(formatMatchTable(bad.table), /UNEXPECTED\s+NOT SUBSTR: 'exit' \(log line 4\)/);
  const good = matchMessages(LOG, [compilePattern('Unreleased'), compilePattern('exit', true)]);
  t.ok(good.ok);
});

t.test('malformed patterns throw with the reason', async (t) => {
  t.throws(() => compilePattern('a {{b'), /no closing/);
  t.throws(() => compilePattern('a {{(}}'), /not a valid regular expression/);
});
