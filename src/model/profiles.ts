// Semantics profiles keyed by kernel version. Rules that differ between kernels live here as
// data; the interpreter and the graph rules read `ctx.profile` instead of testing versions.
import { UsageError } from '../shared/errors.js';

export interface Profile {
  name: string;                      // '6.12', '6.1', 'bpf-next'
  /** BPF_COMPLEXITY_LIMIT_INSNS: "BPF program is too large. Processed %d insn". */
  insnLimit: number;
  /** BPF_COMPLEXITY_LIMIT_JMP_SEQ: "The sequence of %d jumps is too complex." */
  jmpSeqLimit: number;
  /** MAX_CALL_FRAMES. */
  maxCallFrames: number;
  /** Exit-leak message trailer (6.13+: "%s would lead to reference leak"); null in 6.12. */
  leakTrailer: string | null;
  /** Static subprog calls allowed while holding a lock (6.9+). */
  staticCallsUnderLock: boolean;
}

const P612: Profile = {
  name: '6.12', insnLimit: 1_000_000, jmpSeqLimit: 8192, maxCallFrames: 8, leakTrailer: null, staticCallsUnderLock: true,
};

export const PROFILES: Record<string, Profile> = {
  '6.12': P612,
  // 6.1 and bpf-next differ in the graph rules (see docs/SEMANTICS map); the core rules are shared.
  '6.1': { ...P612, name: '6.1', staticCallsUnderLock: false },
  'bpf-next': { ...P612, name: 'bpf-next', leakTrailer: 'BPF_EXIT instruction in main prog would lead to reference leak' },
};

export const DEFAULT_PROFILE = '6.12';

export function getProfile(name: string = DEFAULT_PROFILE): Profile {
  // own keys only: '__proto__', 'constructor' or 'toString' must not find Object.prototype's members
  const p = Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
  if (!p) throw new UsageError(`unknown semantics profile '${name}'`, `use one of: ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
