// The graph kfuncs as data: flags (BTF_ID_FLAGS in kernel/bpf/helpers.c), argument kinds taken from
// the KERNEL prototype's parameter names and types (the verifier reads vmlinux BTF, not the
// program's extern declaration: __k, __ign, __alloc, __refcounted_kptr, struct bpf_list_head * ...),
// and what R0 becomes. Keyed by profile. A kfunc missing from a profile's table is `unsupported`
// in the model, never guessed.
import type { ProgType } from '../../object/types.js';

export type KfuncFlag = 'KF_ACQUIRE' | 'KF_RELEASE' | 'KF_RET_NULL' | 'KF_RCU' | 'KF_TRUSTED_ARGS' | 'KF_IMPLICIT_ARGS';

/** get_kfunc_ptr_arg_type()'s classification, plus the scalar forms (check_kfunc_args). */
export type KfuncArg =
  | { kind: 'scalar'; name: string; size: number }           // any SCALAR_VALUE
  | { kind: 'const'; name: string; size: number }            // `__k`: known constant
  | { kind: 'ignore'; name: string }                         // `__ign`: skipped (the verifier fills it)
  | { kind: 'alloc'; name: string }                          // `__alloc`: KF_ARG_PTR_TO_ALLOC_BTF_ID
  | { kind: 'refcounted_kptr'; name: string }                // `__refcounted_kptr`
  | { kind: 'list_head'; name: string }
  | { kind: 'list_node'; name: string }
  | { kind: 'rb_root'; name: string }
  | { kind: 'rb_node'; name: string }
  | { kind: 'callback'; name: string };                      // function pointer: PTR_TO_FUNC

/** What check_kfunc_call does for R0 (and the call's ownership effect). */
export type KfuncRet =
  | 'obj_new'            // R0 = PTR_TO_BTF_ID|MEM_ALLOC of the local type (arg0 constant), new ref
  | 'percpu_obj_new'     // same with MEM_PERCPU
  | 'refcount_acquire'   // R0 = owning ref to the arg's type, new ref; maybe-NULL unless the arg was owning
  | 'graph_pop'          // R0 = owning ref, off = node_offset of the root's __contains, new ref (pop, remove)
  | 'graph_first'        // R0 = non-owning ref, off = node_offset, no ref (rbtree_first; bpf-next list_front/back, rbtree_root/left/right)
  | 'scalar'             // int result (push/add: 0 or -EINVAL)
  | 'void';

/** What the call does to references beyond R0 (check_kfunc_call, after the argument checks). */
export type KfuncEffect =
  | 'none'
  | 'release_arg'        // meta.release_regno: release_reference (obj_drop)
  | 'insert'             // push/add: ref_convert_owning_non_owning(R2) then release_reference
  | 'rcu_read_lock'
  | 'rcu_read_unlock';

export interface KfuncSpec {
  name: string;
  flags: KfuncFlag[];
  args: KfuncArg[];
  ret: KfuncRet;
  effect: KfuncEffect;
  /** is_bpf_graph_api_kfunc(): may be called while a bpf_spin_lock is held. */
  lockAllowed: boolean;
  /** is_rbtree_lock_required_kfunc(): its callback frame counts as "in rbtree cb". */
  rbtreeApi: boolean;
  /** The callback argument index that is verified as a less() callback (rbtree_add). */
  callbackArg?: number;
}

const GRAPH_PROG_TYPES: readonly ProgType[] = [
  // generic_kfunc_set hooks (helpers.c:3194-3199) through bpf_prog_type_to_kfunc_hook() (btf.c):
  // TRACING covers tracing, tracepoint, perf_event, lsm; CGROUP covers cgroup_skb and the other cgroup types.
  'tracing', 'tracepoint', 'perf_event', 'lsm', 'sched_cls', 'xdp', 'struct_ops', 'syscall', 'cgroup_skb',
];

/** Program types for which a generic kfunc is registered; others get "calling kernel function %s is not allowed". */
export function kfuncAllowedFor(spec: KfuncSpec, progType: ProgType): boolean | null {
  if (progType === 'unknown') return null;
  if (spec.effect === 'rcu_read_lock' || spec.effect === 'rcu_read_unlock') return true; // common_kfunc_set: every type
  return GRAPH_PROG_TYPES.includes(progType);
}

const a = {
  scalar: (name: string, size = 8): KfuncArg => ({ kind: 'scalar', name, size }),
  k: (name: string, size = 8): KfuncArg => ({ kind: 'const', name, size }),
  ign: (name: string): KfuncArg => ({ kind: 'ignore', name }),
  alloc: (name: string): KfuncArg => ({ kind: 'alloc', name }),
  refc: (name: string): KfuncArg => ({ kind: 'refcounted_kptr', name }),
  head: (): KfuncArg => ({ kind: 'list_head', name: 'head' }),
  lnode: (): KfuncArg => ({ kind: 'list_node', name: 'node' }),
  root: (): KfuncArg => ({ kind: 'rb_root', name: 'root' }),
  rnode: (): KfuncArg => ({ kind: 'rb_node', name: 'node' }),
  cb: (name: string): KfuncArg => ({ kind: 'callback', name }),
};

const spec = (name: string, flags: KfuncFlag[], args: KfuncArg[], ret: KfuncRet, effect: KfuncEffect,
  lockAllowed: boolean, rbtreeApi = false, callbackArg?: number): KfuncSpec =>
  ({ name, flags, args, ret, effect, lockAllowed, rbtreeApi, ...(callbackArg === undefined ? {} : { callbackArg }) });

/** Linux 6.12.117: kernel/bpf/helpers.c prototypes and generic_btf_ids / common_btf_ids flags. */
const k612: KfuncSpec[] = [
  spec('bpf_obj_new_impl', ['KF_ACQUIRE', 'KF_RET_NULL'], [a.k('local_type_id__k'), a.ign('meta__ign')], 'obj_new', 'none', false),
  spec('bpf_percpu_obj_new_impl', ['KF_ACQUIRE', 'KF_RET_NULL'], [a.k('local_type_id__k'), a.ign('meta__ign')], 'percpu_obj_new', 'none', false),
  spec('bpf_obj_drop_impl', ['KF_RELEASE'], [a.alloc('p__alloc'), a.ign('meta__ign')], 'void', 'release_arg', false),
  spec('bpf_percpu_obj_drop_impl', ['KF_RELEASE'], [a.alloc('p__alloc'), a.ign('meta__ign')], 'void', 'release_arg', false),
  spec('bpf_refcount_acquire_impl', ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_RCU'], [a.refc('p__refcounted_kptr'), a.ign('meta__ign')], 'refcount_acquire', 'none', true),
  spec('bpf_list_push_front_impl', [], [a.head(), a.lnode(), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true),
  spec('bpf_list_push_back_impl', [], [a.head(), a.lnode(), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true),
  spec('bpf_list_pop_front', ['KF_ACQUIRE', 'KF_RET_NULL'], [a.head()], 'graph_pop', 'none', true),
  spec('bpf_list_pop_back', ['KF_ACQUIRE', 'KF_RET_NULL'], [a.head()], 'graph_pop', 'none', true),
  spec('bpf_rbtree_remove', ['KF_ACQUIRE', 'KF_RET_NULL'], [a.root(), a.rnode()], 'graph_pop', 'none', true, true),
  spec('bpf_rbtree_add_impl', [], [a.root(), a.rnode(), a.cb('less'), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true, true, 2),
  spec('bpf_rbtree_first', ['KF_RET_NULL'], [a.root()], 'graph_first', 'none', true, true),
  spec('bpf_rcu_read_lock', [], [], 'void', 'rcu_read_lock', false),
  spec('bpf_rcu_read_unlock', [], [], 'void', 'rcu_read_unlock', false),
];

/**
 * bpf-next (2026 snapshot): 6.16's bpf_list_front/back and bpf_rbtree_root/left/right, and the
 * non-_impl names registered with KF_IMPLICIT_ARGS. Only names are recorded here; the bpf-next
 * profile's argument rules (R44/R46-R48 in SEMANTICS.md) are not modelled yet, so the model
 * answers `unsupported` for programs run under that profile that reach a rule that differs.
 */
const kNext: KfuncSpec[] = [
  ...k612,
  spec('bpf_obj_new', ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_IMPLICIT_ARGS'], [a.k('local_type_id__k'), a.ign('meta__ign')], 'obj_new', 'none', false),
  spec('bpf_obj_drop', ['KF_RELEASE', 'KF_IMPLICIT_ARGS'], [a.alloc('p__alloc'), a.ign('meta__ign')], 'void', 'release_arg', false),
  spec('bpf_refcount_acquire', ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_RCU', 'KF_IMPLICIT_ARGS'], [a.refc('p__refcounted_kptr'), a.ign('meta__ign')], 'refcount_acquire', 'none', true),
  spec('bpf_list_push_front', ['KF_IMPLICIT_ARGS'], [a.head(), a.lnode(), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true),
  spec('bpf_list_push_back', ['KF_IMPLICIT_ARGS'], [a.head(), a.lnode(), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true),
  spec('bpf_rbtree_add', ['KF_IMPLICIT_ARGS'], [a.root(), a.rnode(), a.cb('less'), a.ign('meta__ign'), a.scalar('off')], 'scalar', 'insert', true, true, 2),
  spec('bpf_list_front', ['KF_RET_NULL'], [a.head()], 'graph_first', 'none', true),
  spec('bpf_list_back', ['KF_RET_NULL'], [a.head()], 'graph_first', 'none', true),
  spec('bpf_rbtree_root', ['KF_RET_NULL'], [a.root()], 'graph_first', 'none', true, true),
  spec('bpf_rbtree_left', ['KF_RET_NULL'], [a.root(), a.rnode()], 'graph_first', 'none', true, true),
  spec('bpf_rbtree_right', ['KF_RET_NULL'], [a.root(), a.rnode()], 'graph_first', 'none', true, true),
];

const byProfile: Record<string, Map<string, KfuncSpec>> = {
  '6.12': new Map(k612.map((s) => [s.name, s])),
  'bpf-next': new Map(kNext.map((s) => [s.name, s])),
};

/** The table for a profile, or null when the profile has none (the caller says `unsupported`). */
export function kfuncTable(profile: string): ReadonlyMap<string, KfuncSpec> | null {
  return byProfile[profile] ?? null;
}

/** One kfunc of a profile, or null: the model must then answer `unsupported` naming it. */
export function kfuncSpec(profile: string, name: string): KfuncSpec | null {
  return byProfile[profile]?.get(name) ?? null;
}

export const hasFlag = (s: KfuncSpec, f: KfuncFlag): boolean => s.flags.includes(f);
/** is_kfunc_trusted_args(): KF_TRUSTED_ARGS or KF_RELEASE. */
export const isTrustedArgs = (s: KfuncSpec): boolean => hasFlag(s, 'KF_TRUSTED_ARGS') || hasFlag(s, 'KF_RELEASE');
