// Per rule, accepted and rejected graph programs (test/fixtures/graph/g_*.c, compiled by clang-19 in
// the test run) through the model: verdict, rule id, instruction and message. The expected values
// are what Debian 6.12.117 printed for the same objects (bpf-verdict load, 2026-11-25); the e2e
// suite (test/e2e/model-graph.test.ts) re-asks the kernel.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { compileFixture } from './compile.js';
import { readObject } from '../../../src/object/read.js';
import { modelObject } from '../../../src/model/index.js';
import { describeGraphState } from '../../../src/model/graph/explain.js';

import { EXPECTED } from './expected.js';
export const EXPECTED: Row[] = [
  ['g_kptr', 'stash_ok', 'accept', null, null, null],
  ['g_kptr', 'stash_wrong_type', 'reject', 'graph.kptr.type_mismatch', 16, "invalid kptr access, R2 type=ptr_other expected=ptr_blob"],
  ['g_kptr', 'store_kptr', 'reject', 'graph.kptr.store_referenced', 14, "store to referenced kptr disallowed"],
  ['g_kptr', 'read_stashed_ok', 'accept', null, null, null],
  ['g_list', 'push_ok', 'accept', null, null, null],
  ['g_list', 'use_after_unlock', 'reject', 'mem.invalid_access_type', 22, "R7 invalid mem access \'scalar\'"],
  ['g_list', 'push_wrong_field', 'reject', 'graph.node.offset_mismatch', 18, "arg#1 offset=32, but expected bpf_list_node at offset=8 in struct item"],
  ['g_list', 'pop_drop_ok', 'accept', null, null, null],
  ['g_list', 'pop_leak', 'reject', 'ref.unreleased', 16, "Unreleased reference id=3 alloc_insn=9"],
  ['g_list', 'helper_under_lock', 'reject', 'graph.lock.call_while_locked', 6, "function calls are not allowed while holding a lock"],
  ['g_list', 'exit_locked', 'reject', 'graph.lock.missing_unlock', 6, "bpf_spin_unlock is missing"],
  ['g_list', 'touch_head', 'reject', 'graph.access.map_special_field', 5, "bpf_list_head cannot be accessed directly by load/store"],
  ['g_rbtree', 'add_first_remove_ok', 'accept', null, null, null],
  ['g_rbtree', 'remove_owning', 'reject', 'graph.rbtree_remove.not_non_owning', 13, "rbtree_remove node input must be non-owning ref"],
  ['g_rbtree', 'cb_unlocks', 'reject', 'graph.rbtree_cb.spin_lock', 25, "can\'t spin_{lock,unlock} in rbtree cb"],
  ['g_rbtree', 'list_and_tree_ok', 'accept', null, null, null],
  ['g_rbtree', 'refcounted_nonown_drop', 'reject', 'kfunc.arg.not_trusted', 23, "R1 must be referenced or trusted"],
  ['g_rbtree', 'wrong_lock', 'reject', 'graph.root.lock_not_held', 17, "bpf_spin_lock at off=0 must be held for bpf_rb_root"],
];

const files = [...new Set(EXPECTED.map((r) => r[0]))];
for (const file of files) {
  t.test(file, async (t) => {
    const path = await compileFixture(file);
    const results = modelObject(readObject(new Uint8Array(readFileSync(path)), path));
    for (const [, program, verdict, rule, insn, message] of EXPECTED.filter((r) => r[0] === file)) {
      const m = results.find((r) => r.program === program);
      t.ok(m, `${program} analysed`);
      if (!m) continue;
      t.same({ verdict: m.verdict, rule: m.rule, insn: m.insn, message: m.message }, { verdict, rule, insn, message }, program);
    }
  });
}

t.test('explain shows ownership state', async (t) => {
  const path = await compileFixture('g_list');
  const [r] = modelObject(readObject(new Uint8Array(readFileSync(path)), path), { program: 'push_ok', trace: true });
  t.ok(r?.trace?.length, 'a trace');
  const text = (r?.trace ?? []).join('\n');
  t.match(text, /owning ref_obj_id=\d+/, 'an owning reference is shown');
  t.match(text, /non-owning/, 'the pushed node shows as non-owning');
  t.match(text, /lock: map:/, 'the held lock is shown');
});

t.test('describeGraphState', async (t) => {
  const lines = describeGraphState({ frames: [], refs: [{ id: 2, insnIdx: 5, callbackRef: 0 }], activeLock: { ptr: 'btf:prog', id: 4 }, activeRcuLock: false, activePreemptLock: 0, jmps: 0 });
  t.same(lines, ['refs: id=2 alloc_insn=5', 'lock: btf:prog id=4']);
});
