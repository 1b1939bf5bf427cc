// Linux 7.3 (Debian's 7.3.4). Generated from the tree: tree.generated.ts; from its vmlinux BTF:
// vmlinux-structs.ts. Written by hand from the tree: formats.ts, the kfunc roles and switches.
// The graph rules are 6.12's model with this line's switches (check_kfunc_args without
// KF_TRUSTED_ARGS, offsets in var_off, KF_SPINLOCK_SAFE, rbtree_remove of referenced nodes,
// counted RCU regions, leaks before RCU at exit), roles for the kfuncs 7.x added and its formats.
import { RuleBook } from '../../rules/index.js';
import type { ProgType } from '../../object/types.js';
import { kfuncTable, spinLockSafe } from '../kfuncs.js';
import { kernelTypesOf } from '../kernel-types.js';
import type { KfuncRole, Profile } from '../types.js';
import { ROLES_612 } from '../linux-6.12/index.js';
import { FORMATS_73 } from './formats.js';
import { TREE } from './tree.generated.js';
import { VMLINUX_73_STRUCTS } from './vmlinux-structs.js';

/** kfunc_init registrations through bpf_prog_type_to_kfunc_hook() (btf.c): RAW_TRACEPOINT joins TRACING, SOCK_OPS joins CGROUP. */
export const GENERIC_PROG_TYPES_73: readonly ProgType[] = [
  'tracing', 'tracepoint', 'raw_tracepoint', 'perf_event', 'lsm', 'sched_cls', 'xdp', 'struct_ops', 'syscall', 'cgroup_skb',
];

/** The 6.12 roles, the KF_IMPLICIT_ARGS twins (same code in the verifier) and the list/rbtree kfuncs 7.x added. */
export const ROLES_73: Record<string, KfuncRole> = {
  ...ROLES_612,
  bpf_obj_new: ROLES_612.bpf_obj_new_impl!,
  bpf_percpu_obj_new: ROLES_612.bpf_percpu_obj_new_impl!,
  bpf_obj_drop: ROLES_612.bpf_obj_drop_impl!,
  bpf_percpu_obj_drop: ROLES_612.bpf_percpu_obj_drop_impl!,
  bpf_refcount_acquire: ROLES_612.bpf_refcount_acquire_impl!,
  bpf_list_push_front: ROLES_612.bpf_list_push_front_impl!,
  bpf_list_push_back: ROLES_612.bpf_list_push_back_impl!,
  bpf_rbtree_add: ROLES_612.bpf_rbtree_add_impl!,
  bpf_list_front: { ret: 'graph_peek', effect: 'none' },
  bpf_list_back: { ret: 'graph_peek', effect: 'none' },
  bpf_rbtree_root: { ret: 'graph_peek', effect: 'none', rbtreeApi: true },
  bpf_rbtree_left: { ret: 'graph_peek', effect: 'none', rbtreeApi: true },
  bpf_rbtree_right: { ret: 'graph_peek', effect: 'none', rbtreeApi: true },
  // is_bpf_list_push_kfunc() includes bpf_list_add: its `new` (R2) is converted like a pushed node
  bpf_list_add: { ret: 'scalar', effect: 'insert' },
  // KF_ACQUIRE node-returning kfunc: R0 a new owning reference at the root's node offset
  bpf_list_del: { ret: 'graph_pop', effect: 'none' },
  bpf_list_is_first: { ret: 'scalar', effect: 'none' },
  bpf_list_is_last: { ret: 'scalar', effect: 'none' },
  bpf_list_empty: { ret: 'scalar', effect: 'none' },
};

/**
 * Kernel structs with a registered kptr destructor (register_btf_id_dtor_kfuncs callers): 6.12's
 * and net/core/bpf_ksock.c's bpf_ksock (built with CONFIG_BPF_SYSCALL). net/sched/bpf_qdisc.c
 * registers sk_buff only when CONFIG_NET_SCH_BPF is built in, which the tree does not say: left out.
 */
const DTOR_73 = ['task_struct', 'cgroup', 'bpf_cpumask', 'bpf_crypto_ctx', 'prog_test_ref_kfunc', 'prog_test_member', 'bpf_ksock'];

/**
 * Program types of kfunc sets: kfunc_init's generic and common sets; rqspinlock.c and arena.c
 * register theirs for BPF_PROG_TYPE_UNSPEC (the common hook: every type).
 */
const SET_PROG_TYPES_73: Record<string, readonly ProgType[] | 'all'> = {
  generic_btf_ids: GENERIC_PROG_TYPES_73, common_btf_ids: 'all', rqspinlock_kfunc_ids: 'all', arena_kfuncs: 'all',
};

export const LINUX_7_3: Profile = {
  name: '7.3',
  source: TREE.release,
  tree: TREE,
  switches: {
    insnLimit: 1_000_000, jmpSeqLimit: 8192, maxCallFrames: 8, staticCallsUnderLock: true,
    releaseOrder: 'keep-order', callbackRefs: false, graphModelled: true, constKeyArrayLookup: true,
    innerMapAtLookup: true, insnFieldsBeforeWalk: true, kfuncArgsAllTrusted: true, offInVarOff: true, rbNodeTakesReferenced: true, refcountedKptrZeroOff: true,
    ptrMemberUntrustedMem: true, nmiUnsafeDropRefused: true, kptrXchgInGraph: true, rcuCounted: true,
  },
  rules: new RuleBook('7.3', FORMATS_73),
  kfuncs: kfuncTable({
    kfuncs: TREE.kfuncs, roles: ROLES_73,
    setProgTypes: SET_PROG_TYPES_73,
    lockAllowed: (k) => k.flags.includes('KF_SPINLOCK_SAFE'),
  }),
  kfuncLockAllowed: spinLockSafe(TREE.kfuncs, SET_PROG_TYPES_73),
  kernelType: kernelTypesOf(VMLINUX_73_STRUCTS, DTOR_73),
};
