// The verifier environment for one program load (struct bpf_verifier_env, reduced): the program,
// the id generator, the exploration stack, the visited-state cache, counters and the trace.
import type { Btf } from '../../btf/types.js';
import type { Insn } from '../../bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../object/types.js';
import { unsupported, type Finding } from '../finding.js';
import { UNSUPPORTED } from '../../rules/index.js';
import type { CallbackSpec, GraphHooks, HookCtx } from '../hooks.js';
import type { Profile } from '../../profiles/index.js';
import { regTypeStr, progBtfNamer, type TypeNamer } from '../print.js';
import { T, baseType, curFrame, type IdGen, type RegState, type VerifierState } from '../state.js';

/** A state stored in the visited cache (struct bpf_verifier_state_list entry). */
export interface Checkpoint {
  insn: number;
  state: VerifierState;
  /** exactSignature(state) (prune.ts): a cheap pre-check for the exact comparison. */
  sig: number;
  /** Live paths below this checkpoint (update_branch_counts); > 0 = still being explored. */
  branches: number;
  parent: Checkpoint | null;
}

/** One path being walked (env->cur_state + its insn index). */
export interface Path {
  state: VerifierState;
  insn: number;
  parent: Checkpoint | null;
}

export interface Env {
  readonly obj: BpfObject;
  readonly prog: BpfProgram;
  readonly insns: Insn[];
  readonly btf: Btf | null;
  readonly profile: Profile;
  readonly hooks: GraphHooks;
  readonly ids: IdGen;
  readonly names: TypeNamer;
  readonly prunePoints: Set<number>;
  readonly visited: Map<number, Checkpoint[]>;
  pending: Path[];
  insnProcessed: number;
  /** Call sites that queued a callback: pruned by subsumption even while still being explored. */
  callbackSites: Set<number>;
  /**
   * insn_aux_data[idx].ptr_type: the pointer type the first path to reach load/store `idx` used
   * (save_aux_ptr_type). Per program load, across every path, so the check does not depend on pruning.
   */
  insnPtrType: Map<number, number>;
  /** Global subprogs (func indices) reached by a call, verified after the main program. */
  calledGlobals: Set<number>;
  trace: string[] | null;
  /** The finding's state, printed (stateAt). */
  lastState: string | null;
}

/** What stepping one instruction produced. */
export type Step =
  | { kind: 'next'; insn: number }
  | { kind: 'end' }                       // path finished (exit of frame 0, or pruned)
  | { kind: 'finding'; finding: Finding };

export const next = (insn: number): Step => ({ kind: 'next', insn });
export const stop = (finding: Finding): Step => ({ kind: 'finding', finding });

export function typeStrOf(env: Env, reg: RegState): string {
  const s = regTypeStr(reg.type);
  return baseType(reg.type) === T.PTR_TO_BTF_ID ? s + env.names(reg) : s;
}

export function makeNamer(btf: Btf | null): TypeNamer { return progBtfNamer(btf); }

/** The hook context for the current path at `insnIdx`; callbacks queue through `onCallback`. */
export function hookCtx(env: Env, path: Path, insnIdx: number, onCallback: (spec: CallbackSpec) => void): HookCtx {
  return {
    obj: env.obj, prog: env.prog, btf: env.btf, profile: env.profile, state: path.state, insnIdx, ids: env.ids,
    reg: (regno) => curFrame(path.state).regs[regno]!,
    typeStr: (reg) => regTypeStr(reg.type),
    pushCallback: onCallback,
  };
}

/**
 * The walk passed one of the kernel's complexity limits (BPF_COMPLEXITY_LIMIT_INSNS,
 * BPF_COMPLEXITY_LIMIT_JMP_SEQ). The kernel prunes with liveness and precision marks and widens
 * imprecise loop scalars; the model does neither, so its counts are upper bounds of the kernel's
 * and passing a limit is not the kernel's rejection: `unsupported`, never a guess.
 */
export function complexityLimit(env: Env, insn: number, what: string, count: number): Finding {
  return unsupported(`${count} ${what} (past the kernel's limit; the kernel, pruning with liveness and precision marks, may need fewer)`, insn, UNSUPPORTED.complexity);
}
