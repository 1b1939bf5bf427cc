// The focused graph programs (test/fixtures/graph/g_*.c) as Debian 7.3.4 verified them (bpf-verdict
// run --kernel debian:7.3 on the objects compileFixture builds, libbpf 1.8 of linux-source-7.3,
// 2026-11-29): verdict, classified rule, instruction, message. g_rbtree.c and g_more2.c are not
// here: libbpf 1.8 cannot re-mmap their global-data maps holding special fields (the kernel
// refuses mmap of a map with a btf_record), so 7.3.4 never saw them; g_more.c's objects were
// retried by libbpf without BTF. Rows where 7.3 prints what 6.12 does not: the leak trailer, exit
// under a lock, R1 for a kfunc argument.
import type { Row } from './expected.js';

export const EXPECTED_73: Row[] = [
  ['g_kptr', 'stash_ok', 'accept', null, null, null],
  ['g_kptr', 'stash_wrong_type', 'reject', "graph.kptr.type_mismatch", 16, "invalid kptr access, R2 type=ptr_other expected=ptr_blob"],
  ['g_kptr', 'store_kptr', 'reject', "graph.kptr.store_referenced", 14, "store to referenced kptr disallowed"],
  ['g_kptr', 'read_stashed_ok', 'accept', null, null, null],
  ['g_list', 'push_ok', 'accept', null, null, null],
  ['g_list', 'use_after_unlock', 'reject', "mem.invalid_access_type", 22, "R7 invalid mem access 'scalar'"],
  ['g_list', 'push_wrong_field', 'reject', "graph.node.offset_mismatch", 18, "arg#1 offset=32, but expected bpf_list_node at offset=8 in struct item"],
  ['g_list', 'pop_drop_ok', 'accept', null, null, null],
  ['g_list', 'pop_leak', 'reject', "ref.unreleased", 16, "BPF_EXIT instruction in main prog would lead to reference leak"],
  ['g_list', 'helper_under_lock', 'reject', "graph.lock.call_while_locked", 6, "function calls are not allowed while holding a lock"],
  ['g_list', 'exit_locked', 'reject', "graph.lock.missing_unlock", 6, "BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region"],
  ['g_list', 'touch_head', 'reject', "graph.access.map_special_field", 5, "bpf_list_head cannot be accessed directly by load/store"],
  ['g_loops', 'drain_ok', 'accept', null, null, null],
  ['g_loops', 'refill_ok', 'accept', null, null, null],
  ['g_loops', 'drain_leak_last', 'reject', "ref.unreleased", 54, "BPF_EXIT instruction in main prog would lead to reference leak"],
  ['g_nested', 'box_own_list_ok', 'accept', null, null, null],
  ['g_nested', 'box_other_lock', 'reject', "graph.root.lock_not_held", 26, "bpf_spin_lock at off=0 must be held for bpf_list_head"],
  ['g_nested', 'array_heads_ok', 'accept', null, null, null],
  ['g_nested', 'two_lookups', 'reject', "graph.root.lock_not_held", 30, "bpf_spin_lock at off=0 must be held for bpf_list_head"],
  ['g_nested', 'subprog_push_ok', 'accept', null, null, null],
  ['g_nested', 'subprog_after_unlock', 'reject', "mem.invalid_access_type", 31, "R1 invalid mem access 'scalar'"],
  ['g_nested', 'refcount_in_lock', 'reject', "graph.refcount.no_field", 26, "R1 doesn't point to a type with bpf_refcount field"],
];
