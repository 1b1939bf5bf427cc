// Every rule format a line states is what that line's verifier prints: found in the formats read
// from its tree (tree.generated.ts, itself checked against the tree by generated.test.ts), exactly,
// or with a %s the kernel fills with a fixed word written in ("invalid write to stack R%d ..." from
// "invalid %s to stack R%d ..."), or as pieces printed by consecutive verbose() calls.
import t from 'tap';
import { LINES } from '../../src/profiles/index.js';
import type { TreeData } from '../../src/profiles/types.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A tree format with %s as "any text" (only formats with enough literal text to be specific). */
const filled = (f: string): RegExp | null =>
  f.includes('%s') && f.replace(/%[a-z]+/g, '').length >= 12 ? new RegExp(`^${f.split('%s').map(escape).join('.*')}$`, 's') : null;

function printedBy(tree: TreeData): (format: string) => boolean {
  const exact = new Set(tree.formats);
  const patterns = tree.formats.map(filled).filter((r): r is RegExp => r !== null);
  const piece = (s: string): boolean => exact.has(s) || patterns.some((r) => r.test(s));
  const whole = (s: string): boolean => {
    if (piece(s)) return true;
    for (let k = s.length - 1; k > 0; k--) if (exact.has(s.slice(0, k)) && whole(s.slice(k))) return true;
    return false;
  };
  return whole;
}

/** One rule for a family of literal kernel strings: every member must be printed by the line. */
const FAMILIES: Record<string, (line: string) => string[]> = {
  'insn.reserved_fields': (line) => ['BPF_NEG', 'BPF_END', 'BPF_MOV', 'BPF_ALU', 'BPF_JMP/JMP32', 'BPF_STX', 'BPF_ST', 'BPF_CALL', 'BPF_JA', 'BPF_EXIT', 'BPF_LDX',
    'BPF_LD_IMM64', ...(line === '7.3' ? ['BPF_JA|BPF_X'] : [])].map((c) => `${c} uses reserved fields`),
};
/** Printed by libbpf over the kernel's line (fixup_verifier_log), not by kernel/bpf. */
const LIBBPF = new Set(['core.relo_unresolved']);

for (const p of LINES) {
  const tree = p.tree;
  if (!tree) {
    t.test(`Linux ${p.name} has no tree data: its formats are 6.12's`, async (t) => {
      t.same(p.rules.all().map((r) => r.format), LINES.find((l) => l.name === '6.12')!.rules.all().map((r) => r.format));
    });
    continue;
  }
  t.test(`Linux ${p.name}: every rule format is printed by its verifier`, async (t) => {
    t.equal(p.source, tree.release);
    const ok = printedBy(tree);
    for (const r of p.rules.all()) {
      if (r.format === null || LIBBPF.has(r.id)) continue;
      const family = FAMILIES[r.id];
      if (family) for (const f of family(p.name)) t.ok(ok(f), `${r.id}: "${f}"`);
      else t.ok(ok(r.format), `${r.id}: "${r.format}"`);
    }
  });
}
