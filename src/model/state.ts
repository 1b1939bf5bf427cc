// The abstract state of one verification path, shaped like the kernel's bpf_verifier_state
// (include/linux/bpf_verifier.h): frames of registers + stack slots, the acquired references,
// the held bpf_spin_lock, the RCU read-side flag. Plain data: cloned at every branch, compared
// by prune.ts, printed by print.ts in the verifier log's own notation.
//
// SEAM: the graph rules (src/model/graph) read and write this state through the hooks in
// hooks.ts. Invariants both sides keep:
//  - a RegState is never shared between two places: copy with cloneReg() before storing it elsewhere;
//  - ids come only from IdGen (env->id_gen: one counter per program load, never reset, bumped in
//    the kernel's order, so "Unreleased reference id=%d" prints the kernel's numbers);
//  - references live in VerifierState.refs (one list; the kernel copies refs[] between frames at
//    call/return, so one list is equivalent for 6.12 and matches 6.14+ literally).
import type { BpfMap } from '../object/types.js';
import type { Switches } from '../profiles/index.js';
import { S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32, U64, s32, s64, tnumConst, tnumUnknown, u32, type Tnum } from './tnum.js';

/** enum bpf_reg_type base types, same numbering as include/linux/bpf.h. */
export const enum T {
  NOT_INIT = 0, SCALAR_VALUE, PTR_TO_CTX, CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY, PTR_TO_STACK,
  PTR_TO_PACKET_META, PTR_TO_PACKET, PTR_TO_PACKET_END, PTR_TO_FLOW_KEYS, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON,
  PTR_TO_TCP_SOCK, PTR_TO_TP_BUFFER, PTR_TO_XDP_SOCK, PTR_TO_BTF_ID, PTR_TO_MEM, PTR_TO_ARENA, PTR_TO_BUF,
  PTR_TO_FUNC, CONST_PTR_TO_DYNPTR,
}

/** enum bpf_type_flag (include/linux/bpf.h), or-ed into RegState.type. */
export const F = {
  PTR_MAYBE_NULL: 1 << 8, MEM_RDONLY: 1 << 9, MEM_RINGBUF: 1 << 10, MEM_USER: 1 << 11, MEM_PERCPU: 1 << 12,
  OBJ_RELEASE: 1 << 13, PTR_UNTRUSTED: 1 << 14, MEM_UNINIT: 1 << 15, MEM_FIXED_SIZE: 1 << 18,
  MEM_ALLOC: 1 << 19, PTR_TRUSTED: 1 << 20, MEM_RCU: 1 << 21, NON_OWN_REF: 1 << 22,
} as const;

export const baseType = (t: number): T => (t & 0xff) as T;
export const typeMayBeNull = (t: number): boolean => (t & F.PTR_MAYBE_NULL) !== 0;
/** type_is_ptr_alloc_obj (bpf_verifier.h) */
export const typeIsPtrAllocObj = (t: number): boolean =>
  baseType(t) === T.PTR_TO_BTF_ID && (t & F.MEM_ALLOC) !== 0 && (t & F.PTR_UNTRUSTED) === 0;
/** type_is_non_owning_ref (bpf_verifier.h) */
export const typeIsNonOwningRef = (t: number): boolean => typeIsPtrAllocObj(t) && (t & F.NON_OWN_REF) !== 0;

/** Which BTF a PTR_TO_BTF_ID points into: the program's own (local objects) or the kernel's. */
export interface BtfRef { btf: 'prog' | 'kernel'; id: number }

/** struct bpf_reg_state, reduced to what the model tracks. */
export interface RegState {
  type: number;            // T | F flags
  off: number;             // fixed offset of a pointer
  varOff: Tnum;            // scalar value / variable pointer offset
  smin: bigint; smax: bigint; umin: bigint; umax: bigint;           // 64-bit bounds
  s32min: bigint; s32max: bigint; u32min: bigint; u32max: bigint;   // 32-bit subregister bounds
  id: number;              // shared by copies; NULL checks refine all regs with the same id
  refObjId: number;        // != 0: this pointer holds reference refObjId (acquire/release)
  map: BpfMap | null;      // CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY
  btf: BtfRef | null;      // PTR_TO_BTF_ID
  frameno: number;         // PTR_TO_STACK: the frame whose stack it points into
  subprog: number;         // PTR_TO_FUNC: index in BpfProgram.funcs
  memSize: number;         // PTR_TO_MEM
}

/** One byte of an 8-byte stack slot (enum bpf_stack_slot_type subset). */
export type SlotByte = 'invalid' | 'spill' | 'misc' | 'zero';
/** struct bpf_stack_state: slot i covers fp-(i+1)*8 .. fp-i*8-1. */
export interface StackSlot { bytes: SlotByte[]; spilled: RegState | null }

/** struct bpf_reference_state (6.12): id, the insn that acquired it, and the callback frame that owns it. */
export interface RefState { id: number; insnIdx: number; callbackRef: number }

/** struct bpf_active_lock: which allocation's lock (map or BTF object identity) and the reg id. */
export interface ActiveLock { ptr: string; id: number }

/** struct bpf_func_state: one call frame. */
export interface FuncState {
  frameno: number;
  callsite: number;          // insn index of the call that created this frame (-1 for the entry)
  subprog: number;           // index in BpfProgram.funcs
  regs: RegState[];          // R0..R10
  stack: StackSlot[];        // index i = fp-(i+1)*8
  inCallbackFn: boolean;
  /** Which kfunc/helper pushed this callback frame (e.g. 'bpf_rbtree_add_impl'); in_rbtree_lock_required_cb reads it. */
  callbackOf: string | null;
  callbackRetRange: [bigint, bigint];
  /** Callbacks pushed from this frame's current call site (bpf_func_state.callback_depth; bpf_loop stops at nr_loops). */
  callbackDepth: number;
}

/** struct bpf_verifier_state. */
export interface VerifierState {
  frames: FuncState[];       // frames[frames.length-1] is the current frame (curframe)
  refs: RefState[];
  activeLock: ActiveLock | null;
  activeRcuLocks: number;     // active_rcu_lock (6.12: 0 or 1) / active_rcu_locks (7.x: nesting depth)
  activePreemptLock: number;
  /** Conditional jumps on this path (the kernel's "sequence of 8193 jumps" counter). */
  jmps: number;
  /** Callback frames queued on the way to this state (callback_unroll_depth): equal states at
   *  different unroll depths are callback iterations, not an infinite loop. */
  callbackUnrollDepth?: number;
  /** may_goto_depth: may_goto fall-throughs taken on the way to this state (a loop's iterations). */
  mayGotoDepth?: number;
}

export const MAX_BPF_REG = 11;
export const BPF_REG_FP = 10;
export const MAX_BPF_STACK = 512;

/** env->id_gen: one per program load; ids are never reused. */
export class IdGen {
  private last = 0;
  next(): number { return ++this.last; }
  get current(): number { return this.last; }
}

// ---- register constructors (mirror __mark_reg_* in verifier.c) -------------------------------

const blank = (): RegState => ({
  type: T.NOT_INIT, off: 0, varOff: tnumUnknown, smin: S64_MIN, smax: S64_MAX, umin: 0n, umax: U64,
  s32min: S32_MIN, s32max: S32_MAX, u32min: 0n, u32max: U32, id: 0, refObjId: 0, map: null, btf: null,
  frameno: 0, subprog: 0, memSize: 0,
});

/** NOT_INIT register (__mark_reg_not_init). */
export const regNotInit = (): RegState => blank();
/** Unknown scalar (__mark_reg_unknown). */
export const regUnknown = (): RegState => ({ ...blank(), type: T.SCALAR_VALUE });
/** Known constant scalar (__mark_reg_known). */
export function regConst(v: bigint): RegState {
  const r = regUnknown();
  setKnown(r, v);
  return r;
}
/** A pointer of `type` with known zero offset (mark_reg_known_zero + type). */
export function regPtr(type: number, extra: Partial<RegState> = {}): RegState {
  const r = regConst(0n);
  r.type = type;
  return Object.assign(r, extra);
}

/** Make `r` the constant v (all bounds agree). */
export function setKnown(r: RegState, v: bigint): void {
  r.varOff = tnumConst(v);
  r.umin = r.umax = BigInt.asUintN(64, v);
  r.smin = r.smax = s64(v);
  r.u32min = r.u32max = u32(v);
  r.s32min = r.s32max = s32(v);
}

/** Turn `r` into an unknown scalar in place (keeps nothing). */
export function markUnknown(r: RegState): void { Object.assign(r, regUnknown()); }
export function markNotInit(r: RegState): void { Object.assign(r, regNotInit()); }

export const isConst = (r: RegState): boolean => r.type === T.SCALAR_VALUE && r.varOff.mask === 0n;
export const isPointer = (r: RegState): boolean => r.type !== T.SCALAR_VALUE && r.type !== T.NOT_INIT;
/** register_is_null: known scalar zero. */
export const isNullReg = (r: RegState): boolean => isConst(r) && r.varOff.value === 0n;

export const cloneReg = (r: RegState): RegState => ({ ...r });
export const cloneSlot = (s: StackSlot): StackSlot => ({ bytes: s.bytes.slice(), spilled: s.spilled ? cloneReg(s.spilled) : null });
export function cloneFrame(f: FuncState): FuncState {
  return { ...f, regs: f.regs.map(cloneReg), stack: f.stack.map(cloneSlot), callbackRetRange: [f.callbackRetRange[0], f.callbackRetRange[1]] };
}
export function cloneState(s: VerifierState): VerifierState {
  return {
    frames: s.frames.map(cloneFrame), refs: s.refs.map((r) => ({ ...r })),
    activeLock: s.activeLock ? { ...s.activeLock } : null, activeRcuLocks: s.activeRcuLocks,
    activePreemptLock: s.activePreemptLock, jmps: s.jmps, callbackUnrollDepth: s.callbackUnrollDepth, mayGotoDepth: s.mayGotoDepth,
  };
}

/** A fresh frame (init_func_state): R10 = fp, everything else NOT_INIT. */
export function newFrame(frameno: number, callsite: number, subprog: number): FuncState {
  const regs = Array.from({ length: MAX_BPF_REG }, regNotInit);
  regs[BPF_REG_FP] = regPtr(T.PTR_TO_STACK, { frameno });
  return { frameno, callsite, subprog, regs, stack: [], inCallbackFn: false, callbackOf: null, callbackRetRange: [0n, 0n], callbackDepth: 0 };
}

export const curFrame = (s: VerifierState): FuncState => s.frames[s.frames.length - 1]!;

/** Where a register lives: a register of a frame, or a spilled slot of a frame's stack. */
export type RegPlace =
  | { kind: 'reg'; frameno: number; regno: number }
  | { kind: 'stack'; frameno: number; slot: number };

/**
 * bpf_for_each_reg_in_vstate: every register of every frame, then every spilled register.
 * The callback may mutate `reg` in place (e.g. invalidate non-owning refs at unlock).
 */
export function forEachReg(s: VerifierState, fn: (reg: RegState, place: RegPlace, frame: FuncState) => void): void {
  for (const f of s.frames) {
    for (let i = 0; i < MAX_BPF_REG; i++) fn(f.regs[i]!, { kind: 'reg', frameno: f.frameno, regno: i }, f);
    f.stack.forEach((slot, i) => {
      if (slot.spilled && slot.bytes[7] === 'spill') fn(slot.spilled, { kind: 'stack', frameno: f.frameno, slot: i }, f);
    });
  }
}

/** acquire_reference_state: a new reference id (env->id_gen) recorded with its insn. */
export function acquireReference(s: VerifierState, ids: IdGen, insnIdx: number): number {
  const id = ids.next();
  const cur = curFrame(s);
  s.refs.push({ id, insnIdx, callbackRef: cur.inCallbackFn ? cur.frameno : 0 });
  return id;
}

/**
 * release_reference(): drop reference `refObjId` from refs[] as the line's
 * release_reference_state() does, then invalidate every register holding it (privileged: they
 * become unknown scalars). The order of refs[] decides the order of later "Unreleased reference"
 * lines: 'swap-last' moves the last entry into the hole (6.12), 'keep-order' closes it (7.x).
 * False when it is not releasable here: not held, or (lines with callback_ref) a caller's
 * reference inside a callback.
 */
export function releaseReference(s: VerifierState, refObjId: number, sw: Pick<Switches, 'releaseOrder' | 'callbackRefs'>): boolean {
  const i = s.refs.findIndex((r) => r.id === refObjId);
  if (i < 0) return false;
  const cur = curFrame(s);
  if (sw.callbackRefs && cur.inCallbackFn && s.refs[i]!.callbackRef !== cur.frameno) return false;
  if (sw.releaseOrder === 'swap-last') { s.refs[i] = s.refs[s.refs.length - 1]!; s.refs.pop(); }
  else s.refs.splice(i, 1);
  forEachReg(s, (reg) => { if (reg.refObjId === refObjId) markUnknown(reg); });
  return true;
}

/** Stack slot index for byte offset `off` from fp (negative). */
export const slotIndex = (off: number): number => Math.floor((-off - 1) / 8);
