// Ownership state for `bpf-verdict explain`: which registers and stack slots hold owning,
// non-owning or refcounted references, their ids, and which lock is held.
import { F, T, baseType, typeIsNonOwningRef, type RegState, type VerifierState } from '../state.js';

function kindOf(reg: RegState): string | null {
  if (baseType(reg.type) !== T.PTR_TO_BTF_ID || !(reg.type & F.MEM_ALLOC)) return null;
  const maybeNull = reg.type & F.PTR_MAYBE_NULL ? ' maybe-null' : '';
  if (typeIsNonOwningRef(reg.type)) return `non-owning${reg.type & F.MEM_RCU ? ' (refcounted, rcu)' : ''}${maybeNull}`;
  if (reg.refObjId) return `owning ref_obj_id=${reg.refObjId}${maybeNull}`;
  if (reg.type & F.MEM_RCU) return `rcu local kptr${maybeNull}`;
  return `local object, no reference${maybeNull}`;
}

/** One line per graph pointer (R<n> / fp-<off> per frame), then the refs and the lock. */
export function describeGraphState(state: VerifierState): string[] {
  const out: string[] = [];
  for (const f of state.frames) {
    const pre = state.frames.length > 1 ? `frame${f.frameno}: ` : '';
    f.regs.forEach((r, i) => {
      const k = kindOf(r);
      if (k) out.push(`${pre}R${i}: ${k}${r.id ? ` id=${r.id}` : ''}${r.off ? ` off=${r.off}` : ''}`);
    });
    f.stack.forEach((s, i) => {
      const k = s.spilled && s.bytes[7] === 'spill' ? kindOf(s.spilled) : null;
      if (k) out.push(`${pre}fp-${(i + 1) * 8}: ${k}${s.spilled!.id ? ` id=${s.spilled!.id}` : ''}`);
    });
  }
  if (state.refs.length) out.push(`refs: ${state.refs.map((r) => `id=${r.id} alloc_insn=${r.insnIdx}`).join(', ')}`);
  out.push(`lock: ${state.activeLock ? `${state.activeLock.ptr} id=${state.activeLock.id}` : 'none'}`);
  if (state.activeRcuLocks) out.push('rcu_read_lock held');
  return out;
}
