// The seam between the core interpreter (src/model/interp) and the graph-ownership rules
// (src/model/graph). The core owns registers, stack, ALU, branches, calls,
// helpers, ctx, pruning; it calls these hooks at the points where the kernel's verifier runs
// graph-specific code. A hook either leaves the construct to the core ('pass'), performs the
// effect on ctx.state ('done'), or stops the path with a Finding (reject / unsupported).
//
// Order of calls for one instruction (mirrors do_check / check_helper_call / check_kfunc_call):
//   call insn:   beforeCall (the "function calls are not allowed while holding a lock" check)
//                -> helper: graphHelper (bpf_spin_lock/unlock, bpf_kptr_xchg; others 'pass')
//                -> kfunc:  kfunc (ALL kfuncs go here; 'pass' means the core says unsupported)
//                -> subprog: the core performs the call after beforeCall
//   ldx/stx/st/atomic through PTR_TO_BTF_ID (any flags): btfAccess (the core never decides these)
//   ldx/stx/st/atomic through PTR_TO_MAP_VALUE: the core checks bounds, then mapValueAccess
//                (special fields: kptr loads/stores, "%s cannot be accessed directly by load/store")
//   exit of any frame: exitChecks before and after the core's reference-leak check (the line's order:
//                6.12 lock -> rcu -> refs, 7.x lock -> refs -> rcu)
//   callback exit: the core checks R0 against frame.callbackRetRange and callback-owned refs
import type { BpfObject, BpfProgram } from '../object/types.js';
import type { Btf } from '../btf/types.js';
import type { Finding } from './finding.js';
import type { Profile } from '../profiles/index.js';
import type { FuncState, IdGen, RegState, VerifierState } from './state.js';

/** What a hook did. */
export type HookResult =
  | { kind: 'pass' }                 // not mine: the core handles it (or reports unsupported)
  | { kind: 'done' }                 // effect applied to ctx.state (R0 set, R1-R5 clobbered for calls...)
  | { kind: 'finding'; finding: Finding };

export const PASS: HookResult = { kind: 'pass' };
export const DONE: HookResult = { kind: 'done' };
export const found = (finding: Finding): HookResult => ({ kind: 'finding', finding });

/** How a callback frame is set up (push_callback_call + set_*_callback_state). */
export interface CallbackSpec {
  /** Index in BpfProgram.funcs of the callback subprog (from the PTR_TO_FUNC reg's `subprog`). */
  subprog: number;
  /** Name of the kfunc/helper whose callback this is (stored in FuncState.callbackOf). */
  callbackOf: string;
  /** Allowed R0 range at the callback's exit (e.g. [0, 1] for rbtree less()). */
  retRange: [bigint, bigint];
  /** Fill the callee frame's R1-R5 (the caller frame is the one below it). Ids from ctx.ids. */
  setup(callee: FuncState, caller: FuncState, state: VerifierState): void;
}

/** What the core hands to every hook. `state` is the live state of the current path (mutate it). */
export interface HookCtx {
  readonly obj: BpfObject;
  readonly prog: BpfProgram;
  readonly btf: Btf | null;            // program BTF
  readonly profile: Profile;
  readonly state: VerifierState;
  readonly insnIdx: number;
  readonly ids: IdGen;                 // env->id_gen
  /** Current frame's register (R0..R10). */
  reg(regno: number): RegState;
  /** reg_type_str + btf type name, as messages print a register's type ("ptr_or_null_", "map_value"). */
  typeStr(reg: RegState): string;
  /** Queue a callback frame, verified later from a copy of the state at this insn (push_callback_call). */
  pushCallback(spec: CallbackSpec): void;
}

/** A load or store through a pointer register. */
export interface MemAccess {
  regno: number;            // the pointer register (dst for st/stx/atomic, src for ldx)
  reg: RegState;
  off: number;              // insn off (total offset = reg.off + off + var_off)
  size: 1 | 2 | 4 | 8;
  write: boolean;
  /** For stores: the value register (null for BPF_ST imm); for loads: the destination regno. */
  valueRegno: number | null;
  atomic: boolean;
}

/** Result of a memory hook for a load: 'done' means the hook wrote the destination register. */
export interface GraphHooks {
  /** do_check: may this call happen now (locks held, rbtree cb)? null = yes. */
  beforeCall(ctx: HookCtx, call: { kind: 'helper'; id: number; name: string } | { kind: 'kfunc'; name: string; moduleOff: number } | { kind: 'subprog'; subprog: number; global: boolean }): Finding | null;
  /** A helper call; graph helpers (93 bpf_spin_lock, 94 bpf_spin_unlock, 194 bpf_kptr_xchg) -> done/finding, others pass. */
  graphHelper(ctx: HookCtx, helperId: number, name: string): HookResult;
  /** Any kfunc call. Must set R0 and clobber R1-R5 (NOT_INIT) when 'done'. 'pass' = unsupported kfunc. */
  kfunc(ctx: HookCtx, name: string, btfTypeId: number | null): HookResult;
  /** Load/store through PTR_TO_BTF_ID (local objects and kernel objects). 'pass' = unsupported. */
  btfAccess(ctx: HookCtx, access: MemAccess): HookResult;
  /** Load/store through a map value after the core's bounds check; 'pass' = ordinary memory. */
  mapValueAccess(ctx: HookCtx, access: MemAccess): HookResult;
  /**
   * check_map_access(ACCESS_HELPER) special fields: `size` bytes at the map-value register `reg`
   * are read or written by a helper / global-function argument check (after the bounds check).
   * "kptr cannot be accessed indirectly by helper", "%s cannot be accessed directly by load/store".
   */
  mapValueHelperAccess?(ctx: HookCtx, reg: RegState, size: number): Finding | null;
  /** Exit checks that come before the reference-leak check (bpf_spin_unlock is missing, rcu...). */
  exitChecks(ctx: HookCtx, exit: { mainProg: boolean; frame: FuncState; phase: 'before-refs' | 'after-refs' }): Finding | null;
  /**
   * reg_may_point_to_spin_lock: after a successful NULL check, does the pointer keep its id
   * (map value / local object whose type has a bpf_spin_lock)? Absent = no.
   */
  mayPointToSpinLock?(reg: RegState, ctx: HookCtx): boolean;
  /** Ownership lines for the explain trace (owning / non-owning refs, refs, lock); printed when they change. */
  describeState?(state: VerifierState): string[];
}
