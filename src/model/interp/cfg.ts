// check_cfg, before the walk: every instruction reachable from the entry, through calls and
// callback addresses (check_subprogs, which runs earlier, is in insn-checks.ts).
// Privileged loads may have back-edges (bounded loops), so those are not refused here.
import type { Insn } from '../../bpf/insn.js';
import { PSEUDO } from '../../bpf/opcode.js';
import type { BpfProgram } from '../../object/types.js';
import { reject, type Finding } from '../finding.js';
import { CORE, type RuleBook } from '../../rules/index.js';

/** Successors of instruction t (visit_insn / visit_func_call_insn). */
function successors(insn: Insn, t: number): number[] {
  switch (insn.kind) {
    case 'exit': return [];
    case 'ja': return [t + 1 + insn.offset];
    case 'jmp': case 'may_goto': return [t + 1, t + 1 + insn.off];
    case 'call': return insn.target === 'subprog' ? [t + 1, t + 1 + insn.imm] : [t + 1];
    case 'ld_imm64': return insn.pseudo === PSEUDO.FUNC ? [t + 2, t + 1 + insn.imm] : [t + 2];
    default: return [t + 1];
  }
}

/** check_cfg: depth-first from insn 0; any instruction never reached is refused. */
export function checkCfg(prog: BpfProgram, rules: RuleBook): Finding | null {
  const n = prog.insns.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  while (stack.length) {
    const t = stack.pop()!;
    for (const w of successors(prog.insns[t]!, t)) {
      if (w < 0 || w >= n) return reject(rules, CORE.jumpOutOfRange, t, t, w);
      if (!seen[w]) { seen[w] = 1; stack.push(w); }
    }
  }
  for (let i = 0; i < n; i++) {
    const insn = prog.insns[i]!;
    if (insn.kind === 'ld_imm64_hi') continue;
    if (!seen[i]) return reject(rules, CORE.unreachable, i, i);
    if (insn.kind === 'ld_imm64' && seen[i + 1]) return reject(rules, CORE.jumpIntoLdImm64, i, i);
  }
  return null;
}
