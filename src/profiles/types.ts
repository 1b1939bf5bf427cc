// The shape of a semantics profile: everything that differs between kernel lines, in one value.
// The model and the log classifier ask the profile; they never test a version themselves.
// One folder per line (src/profiles/linux-<line>/) builds one Profile; index.ts lists them.
import type { ProgType } from '../object/types.js';
import type { RuleBook } from '../rules/index.js';

/** The kernel lines modelled, oldest first. `bpf-next` is an alias of the newest. */
export type LineName = '6.1' | '6.12' | '7.3';

/** BTF_ID_FLAGS flags the model reads (include/linux/btf.h). KF_TRUSTED_ARGS is gone by 7.3. */
export type KfuncFlag =
  | 'KF_ACQUIRE' | 'KF_RELEASE' | 'KF_RET_NULL' | 'KF_RCU' | 'KF_TRUSTED_ARGS' | 'KF_IMPLICIT_ARGS'
  | 'KF_SPINLOCK_SAFE' | 'KF_SLEEPABLE' | 'KF_DESTRUCTIVE' | 'KF_RCU_PROTECTED' | 'KF_ITER_NEW'
  | 'KF_ITER_NEXT' | 'KF_ITER_DESTROY' | 'KF_FASTCALL' | 'KF_ARENA_RET' | 'KF_ARENA_ARG1' | 'KF_ARENA_ARG2'
  | 'KF_PERMON' | 'KF_PERFMON' | 'KF_IMPLICIT_PROG_AUX_ARG';

/** One kfunc as read from a kernel tree: its BTF_ID_FLAGS entry and its C prototype. */
export interface TreeKfunc {
  name: string;
  /** The BTF_KFUNCS_START set it is registered in (generic_btf_ids, common_btf_ids...). */
  set: string;
  flags: string[];
  /** The C return type, normalised ("void *", "int", "struct bpf_list_node *"). */
  ret: string;
  params: { type: string; name: string }[];
}

/** get_kfunc_ptr_arg_type()'s classification, plus the scalar forms (check_kfunc_args). */
export type KfuncArg =
  | { kind: 'scalar'; name: string; size: number }           // any SCALAR_VALUE
  | { kind: 'const'; name: string; size: number }            // `__k`: known constant
  | { kind: 'ignore'; name: string }                         // `__ign`: skipped (the verifier fills it)
  | { kind: 'implicit'; name: string }                       // KF_IMPLICIT_ARGS: at or past the stripped prototype's argn
  | { kind: 'alloc'; name: string }                          // `__alloc`: KF_ARG_PTR_TO_ALLOC_BTF_ID
  | { kind: 'refcounted_kptr'; name: string }                // `__refcounted_kptr`
  | { kind: 'list_head'; name: string }
  | { kind: 'list_node'; name: string; nonOwnAllowed: boolean }  // `__nonown_allowed` (7.x)
  | { kind: 'rb_root'; name: string }
  | { kind: 'rb_node'; name: string }
  | { kind: 'callback'; name: string }                       // function pointer: PTR_TO_FUNC
  | { kind: 'other'; name: string; type: string };           // a kind the model does not model

/** What check_kfunc_call does for R0 (and the call's ownership effect). */
export type KfuncRet =
  | 'obj_new'            // R0 = PTR_TO_BTF_ID|MEM_ALLOC of the local type (arg0 constant), new ref
  | 'percpu_obj_new'     // same with MEM_PERCPU
  | 'refcount_acquire'   // R0 = owning ref to the arg's type, new ref; maybe-NULL unless the arg was owning
  | 'graph_pop'          // R0 = owning ref at node_offset of the root's __contains, new ref (pop, remove, list_del)
  | 'graph_peek'         // R0 = non-owning ref at node_offset, no ref (rbtree_first, list_front/back, rbtree_root/left/right)
  | 'scalar'             // int/bool result
  | 'void';

/** What the call does to references beyond R0 (check_kfunc_call, after the argument checks). */
export type KfuncEffect =
  | 'none'
  | 'release_arg'        // meta.release_regno: release_reference (obj_drop)
  | 'insert'             // push/add: ref_convert_owning_non_owning(node) then release_reference
  | 'rcu_read_lock'
  | 'rcu_read_unlock';

/**
 * The model's role for a kfunc: what the verifier's special-kfunc code (is_bpf_list_push_kfunc,
 * check_special_kfunc...) does with it. Written by hand per line, keyed by name; the flags and
 * argument kinds come from the tree.
 */
export interface KfuncRole {
  ret: KfuncRet;
  effect: KfuncEffect;
  /** is_rbtree_lock_required_kfunc(): its callback frame counts as "in rbtree cb". */
  rbtreeApi?: boolean;
  /** The argument verified as a less() callback (rbtree_add). */
  callbackArg?: number;
}

/** A kfunc as the model uses it: tree data (flags, argument kinds) joined with its role. */
export interface KfuncSpec {
  name: string;
  flags: KfuncFlag[];
  /** Argument kinds of the prototype the verifier checks (the `_impl` one for KF_IMPLICIT_ARGS). */
  args: KfuncArg[];
  ret: KfuncRet;
  effect: KfuncEffect;
  /** May be called while a bpf_spin_lock is held (6.12: is_bpf_graph_api_kfunc; 7.x: KF_SPINLOCK_SAFE). */
  lockAllowed: boolean;
  rbtreeApi: boolean;
  callbackArg?: number;
  /** Program types the kfunc is registered for (bpf_prog_type_to_kfunc_hook of its set). */
  progTypes: readonly ProgType[] | 'all';
}

/** Which struct names the line's vmlinux BTF has, and which have a kptr destructor (btf_parse_kptr). */
export type KernelTypeKind = 'none' | 'dtor' | 'nodtor';

/** Behaviour that differs between lines and is not a table. Each switch names the kernel code it mirrors. */
export interface Switches {
  /** BPF_COMPLEXITY_LIMIT_INSNS: "BPF program is too large. Processed %d insn". */
  insnLimit: number;
  /** BPF_COMPLEXITY_LIMIT_JMP_SEQ: "The sequence of %d jumps is too complex." */
  jmpSeqLimit: number;
  /** MAX_CALL_FRAMES. */
  maxCallFrames: number;
  /** Static subprog calls allowed while holding a lock (6.9+). */
  staticCallsUnderLock: boolean;
  /**
   * release_reference_state(): 'swap-last' moves the last refs[] entry into the freed slot
   * (6.12 and before); 'keep-order' closes the hole keeping acquisition order (7.x memmove).
   * Decides the order of several "Unreleased reference" lines.
   */
  releaseOrder: 'swap-last' | 'keep-order';
  /**
   * References remember the callback frame that acquired them (6.12 refs[].callback_ref): a
   * callback may not release its caller's references, and its exit checks the ones it acquired.
   * 7.x keeps one refs[] per state with no owner: callbacks release any, their exits check none.
   */
  callbackRefs: boolean;
  /**
   * Whether the model's graph rules (src/model/graph) are written for this line. When false every
   * graph construct is `unsupported` under this profile (never a 6.12 guess).
   */
  graphModelled: boolean;
  /**
   * bpf_map_lookup_elem on an ARRAY / PERCPU_ARRAY (not an inner map) with a key the verifier
   * knows (zeroed stack bytes, or a spilled constant scalar of the key's size) below max_entries
   * returns a non-NULL map value (can_elide_value_nullness + get_constant_map_key, 6.14+).
   */
  constKeyArrayLookup: boolean;
  /**
   * check_and_resolve_insns -> check_insn_fields (7.x): register numbers and every reserved field
   * of every instruction (reachable or not) are checked before the walk, in instruction order.
   * 6.12: the handlers of do_check check them when the walk reaches the instruction.
   */
  insnFieldsBeforeWalk: boolean;
  /**
   * refine_map_lookup_value (7.x): bpf_map_lookup_elem on a map-in-map returns the inner map,
   * CONST_PTR_TO_MAP | PTR_MAYBE_NULL (`map_ptr_or_null`); 6.12 returns map_value_or_null and
   * makes it the inner map at the NULL check.
   */
  innerMapAtLookup: boolean;
  /**
   * check_kfunc_args without KF_TRUSTED_ARGS (7.x: every kfunc's arguments are trusted): every
   * pointer argument that is not __nullable is refused when NULL or maybe-NULL ("Possibly NULL
   * pointer passed to trusted %s"), the release argument (R1 of a KF_RELEASE kfunc) must be
   * referenced at the argument itself ("release kfunc %s expects referenced PTR_TO_BTF_ID passed
   * to %s", before its offset and kind checks), and an __alloc argument has no trusted check.
   * 6.12: NULL checks only for KF_TRUSTED_ARGS/KF_RELEASE/KF_RCU kfuncs, the release check after
   * the loop, __alloc arguments of release kfuncs checked as trusted.
   */
  kfuncArgsAllTrusted: boolean;
  /**
   * struct bpf_reg_state has no `off` (7.x): a pointer's constant offset lives in var_off, so
   * __check_ptr_off_reg checks variable -> negative -> modified and prints var_off with the
   * constant offset folded in; a release argument needs var_off == 0. 6.12: negative (off) ->
   * modified (off) -> variable (var_off alone).
   */
  offInVarOff: boolean;
  /**
   * KF_ARG_PTR_TO_RB_NODE of bpf_rbtree_remove/left/right takes a non-owning reference or any
   * referenced register (7.x: "%s can only take non-owning or refcounted bpf_rb_node pointer");
   * 6.12's bpf_rbtree_remove takes non-owning references only.
   */
  rbNodeTakesReferenced: boolean;
  /**
   * btf_struct_walk loads a pointer member whose pointee is not a struct as PTR_TO_MEM | MEM_RDONLY |
   * PTR_UNTRUSTED of size 0 (7.x, WALK_PTR_UNTRUSTED); 6.12 loads it as a scalar.
   */
  ptrMemberUntrustedMem: boolean;
  /**
   * check_kfunc_call refuses bpf_obj_drop/bpf_percpu_obj_drop in tracing programs (is_tracing_prog_type,
   * and non-sleepable non-iterator TRACING) on types whose record has an NMI-unsafe field (7.x).
   */
  nmiUnsafeDropRefused: boolean;
  /** KF_ARG_PTR_TO_REFCOUNTED_KPTR is checked with btf_id_fixed_off_ok = false (7.x): `&obj->node` is refused. */
  refcountedKptrZeroOff: boolean;
  /**
   * bpf_kptr_xchg inside graph code (7.x): do_check_insn lets it be called while a lock is held
   * (beside bpf_spin_unlock), and kptr_xchg_dest_types adds non-owning references (a kptr field
   * of an object in a list or tree) to the map values and owned objects 6.12 takes.
   */
  kptrXchgInGraph: boolean;
  /**
   * RCU read-side regions as 7.x counts them: active_rcu_locks nests (no "nested rcu read lock"),
   * check_resource_leak reports leaks before a held RCU lock at exit, and when protection ends
   * (in_rcu_cs() false after bpf_rcu_read_unlock or bpf_spin_unlock) MEM_RCU registers lose
   * NON_OWN_REF too. 6.12: one flag, RCU before leaks, NON_OWN_REF kept.
   */
  rcuCounted: boolean;
}

export interface Profile {
  /** '6.1', '6.12', '7.3'. */
  name: LineName;
  /** The kernel release the line's data was read from ('6.12.117'), or null when no tree was read. */
  source: string | null;
  /** What scripts/gen-profile-data.ts read from the line's tree, or null. */
  tree: TreeData | null;
  switches: Switches;
  /** Every rule message as this line's verifier prints it (core and graph). */
  rules: RuleBook;
  /** The line's kfuncs the model knows: generated flags and kinds, hand-written roles. */
  kfuncs: ReadonlyMap<string, KfuncSpec>;
  /**
   * May the kfunc be called while a lock is held (6.12: is_bpf_graph_api_kfunc; 7.x:
   * kfunc_spin_allowed: its KF_SPINLOCK_SAFE flag, if registered for the program type's hook).
   * null: the line's tree does not register it (or for sets the table lacks), flags unknown.
   */
  kfuncLockAllowed(name: string, progType: ProgType): boolean | null;
  /** Struct names of the line's vmlinux BTF (for the by-name __kptr lookup). */
  kernelType(name: string): KernelTypeKind;
}

/** What scripts/gen-profile-data.ts reads from a line's tree (src/profiles/linux-<line>/tree.generated.ts). */
export interface TreeData {
  /** VERSION.PATCHLEVEL.SUBLEVEL of the tree's Makefile. */
  release: string;
  /** Every kfunc registered in kernel/bpf/*.c, in source order. */
  kfuncs: TreeKfunc[];
  /** Every message format of kernel/bpf/*.c (without "\n"), unique, in source order. */
  formats: string[];
}
