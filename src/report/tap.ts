// TAP 14 on stdout: one test point per program per kernel, YAML diagnostics for every difference.
// A declared difference is `not ok ... # TODO <reason>`: a known failure, which TAP counts as passing.
import { stringify } from 'yaml';
import { isGreen } from '../compare/types.js';
import type { RunResult } from '../run/types.js';
import { kernelLogTail, programName, recordJson } from './record.js';

/** TAP descriptions may not contain '#' unescaped (it starts a directive). */
const desc = (s: string) => s.replace(/\\/g, '\\\\').replace(/#/g, '\\#');

export function formatTap(r: RunResult): string {
  const broken = r.kernels.filter((k) => k.error);
  const lines = ['TAP version 14', `1..${r.records.length + broken.length}`];
  r.records.forEach((rec, i) => {
    const name = desc(`${rec.kernel} ${programName(rec)}`);
    const n = i + 1;
    if (rec.outcome === 'agree') { lines.push(`ok ${n} - ${name}`); return; }
    if (rec.outcome === 'declared') {
      lines.push(`not ok ${n} - ${name} # TODO ${desc(rec.expectation.modelDiffers ?? 'declared model difference')}`);
      return;
    }
    lines.push(`${isGreen(rec.outcome) ? 'ok' : 'not ok'} ${n} - ${name}`);
    const j = recordJson(rec);
    const diag = {
      outcome: rec.outcome,
      reasons: j.reasons,
      expected: j.expected,
      kernel: { verdict: j.kernel.verdict, rule: j.kernel.rule, message: j.kernel.message, insn: j.kernel.insn },
      model: { verdict: j.model.verdict, rule: j.model.rule, message: j.model.message, insn: j.model.insn },
      ...(j.messages ? { messages: j.messages.map((m) => `${m.status} '${m.pattern}'`) } : {}),
      ...(j.model.state_at ? { model_state: j.model.state_at } : {}),
      ...(kernelLogTail(rec) ? { log_tail: kernelLogTail(rec) } : {}),
    };
    lines.push('  ---', ...stringify(diag, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `  ${l}`), '  ...');
  });
  // A kernel that could not be used at all (resolve, vmlinux.h or boot failed) is a failure too.
  broken.forEach((k, i) => {
    lines.push(`not ok ${r.records.length + i + 1} - ${desc(`kernel ${k.spec} could not be used`)}`,
      '  ---', ...stringify({ outcome: 'kernel-error', error: k.error }, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `  ${l}`), '  ...');
  });
  return lines.join('\n') + '\n';
}
