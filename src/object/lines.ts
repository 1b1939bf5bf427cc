// Source line lookup the way the kernel's find_linfo (kernel/bpf/log.c) does it: the line record
// that covers an instruction is the last one at or before it (records exist only where lines start).
import type { BpfProgram } from './types.js';

export function lineAt(p: Pick<BpfProgram, 'lines'>, idx: number): { file: string; line: number; text: string } | null {
  for (let i = idx; i >= 0; i--) {
    const l = p.lines.get(i);
    if (l) return l;
  }
  return null;
}
