// Linux 6.12 (Debian's 6.12.117): the line the model's rules were first written for.
// Generated from the tree: tree.generated.ts (kfunc sets and prototypes, message formats).
// Written by hand from the tree: formats.ts (what each rule prints), the kfunc roles and the
// switches below (each names the kernel code it mirrors), vmlinux-structs.ts (from its BTF).
import { RuleBook } from '../../rules/index.js';
import type { ProgType } from '../../object/types.js';
import { kfuncTable } from '../kfuncs.js';
import { kernelTypesOf } from '../kernel-types.js';
import type { KfuncRole, Profile } from '../types.js';
import { FORMATS_612 } from './formats.js';
import { TREE } from './tree.generated.js';
import { VMLINUX_612_STRUCTS } from './vmlinux-structs.js';

/**
 * generic_kfunc_set hooks (helpers.c kfunc_init) through bpf_prog_type_to_kfunc_hook() (btf.c):
 * TRACING covers tracing, tracepoint, perf_event, lsm; CGROUP covers cgroup_skb and the other
 * cgroup types. common_kfunc_set is registered for every program type.
 */
export const GENERIC_PROG_TYPES_612: readonly ProgType[] = [
  'tracing', 'tracepoint', 'perf_event', 'lsm', 'sched_cls', 'xdp', 'struct_ops', 'syscall', 'cgroup_skb',
];

/** check_kfunc_call / check_special_kfunc: what the model does for each graph kfunc it models. */
export const ROLES_612: Record<string, KfuncRole> = {
  bpf_obj_new_impl: { ret: 'obj_new', effect: 'none' },
  bpf_percpu_obj_new_impl: { ret: 'percpu_obj_new', effect: 'none' },
  bpf_obj_drop_impl: { ret: 'void', effect: 'release_arg' },
  bpf_percpu_obj_drop_impl: { ret: 'void', effect: 'release_arg' },
  bpf_refcount_acquire_impl: { ret: 'refcount_acquire', effect: 'none' },
  bpf_list_push_front_impl: { ret: 'scalar', effect: 'insert' },
  bpf_list_push_back_impl: { ret: 'scalar', effect: 'insert' },
  bpf_list_pop_front: { ret: 'graph_pop', effect: 'none' },
  bpf_list_pop_back: { ret: 'graph_pop', effect: 'none' },
  bpf_rbtree_remove: { ret: 'graph_pop', effect: 'none', rbtreeApi: true },
  bpf_rbtree_add_impl: { ret: 'scalar', effect: 'insert', rbtreeApi: true, callbackArg: 2 },
  bpf_rbtree_first: { ret: 'graph_peek', effect: 'none', rbtreeApi: true },
  bpf_rcu_read_lock: { ret: 'void', effect: 'rcu_read_lock' },
  bpf_rcu_read_unlock: { ret: 'void', effect: 'rcu_read_unlock' },
};

/** is_bpf_graph_api_kfunc(): the kfuncs callable while a bpf_spin_lock is held. */
const GRAPH_API_612 = new Set([
  'bpf_list_push_front_impl', 'bpf_list_push_back_impl', 'bpf_list_pop_front', 'bpf_list_pop_back',
  'bpf_rbtree_add_impl', 'bpf_rbtree_remove', 'bpf_rbtree_first', 'bpf_refcount_acquire_impl',
]);

/**
 * Kernel structs with a registered kptr destructor (register_btf_id_dtor_kfuncs callers:
 * helpers.c, cpumask.c, crypto.c, net/bpf/test_run.c).
 */
const DTOR_612 = ['task_struct', 'cgroup', 'bpf_cpumask', 'bpf_crypto_ctx', 'prog_test_ref_kfunc', 'prog_test_member'];

export const LINUX_6_12: Profile = {
  name: '6.12',
  source: TREE.release,
  tree: TREE,
  switches: {
    insnLimit: 1_000_000, jmpSeqLimit: 8192, maxCallFrames: 8, staticCallsUnderLock: true,
    releaseOrder: 'swap-last', callbackRefs: true, graphModelled: true, constKeyArrayLookup: false,
    innerMapAtLookup: false, insnFieldsBeforeWalk: false, kfuncArgsAllTrusted: false, offInVarOff: false, rbNodeTakesReferenced: false, refcountedKptrZeroOff: false,
    ptrMemberUntrustedMem: false, nmiUnsafeDropRefused: false, kptrXchgInGraph: false, rcuCounted: false,
  },
  rules: new RuleBook('6.12', FORMATS_612),
  kfuncs: kfuncTable({
    kfuncs: TREE.kfuncs, roles: ROLES_612,
    setProgTypes: { generic_btf_ids: GENERIC_PROG_TYPES_612, common_btf_ids: 'all' },
    lockAllowed: (k) => GRAPH_API_612.has(k.name),
  }),
  kfuncLockAllowed: (name) => GRAPH_API_612.has(name),
  kernelType: kernelTypesOf(VMLINUX_612_STRUCTS, DTOR_612),
};
