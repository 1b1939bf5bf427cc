// The focused graph programs (test/fixtures/graph/g_*.c) and what Debian 6.12.117 said about each
// (bpf-verdict load, 2026-11-25): verdict, classified rule, instruction, message. Shared by the model
// tests and the e2e test that re-asks the kernel.
export type Row = [file: string, program: string, verdict: 'accept' | 'reject', rule: string | null, insn: number | null, message: string | null];
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
  ['g_nested', 'box_own_list_ok', 'accept', null, null, null],
  ['g_nested', 'box_other_lock', 'reject', 'graph.root.lock_not_held', 26, "bpf_spin_lock at off=0 must be held for bpf_list_head"],
  ['g_nested', 'array_heads_ok', 'accept', null, null, null],
  ['g_nested', 'two_lookups', 'reject', 'graph.root.lock_not_held', 30, "bpf_spin_lock at off=0 must be held for bpf_list_head"],
  ['g_nested', 'subprog_push_ok', 'accept', null, null, null],
  ['g_nested', 'subprog_after_unlock', 'reject', 'mem.invalid_access_type', 31, "R1 invalid mem access \'scalar\'"],
  ['g_nested', 'refcount_in_lock', 'reject', 'graph.refcount.no_field', 26, "arg#0 doesn\'t point to a type with bpf_refcount field"],
];
