// The terminal report: counts per outcome, then every difference with what a developer needs to
// act on it: why, the kernel's and the model's rule/message/instruction, the declared messages
// table, the model's state at the disputed instruction, and the kernel log's tail.
import { formatMatchTable } from '../expect/messages.js';
import { describeExpectation } from '../expect/tags.js';
import { OUTCOMES, isGreen, type Outcome } from '../compare/types.js';
import type { ProgramRecord, RunResult } from '../run/types.js';
import { formatReportShort } from './diagnostics.js';
import { kernelLogTail, programName, recordJson } from './record.js';

const COLOR: Record<Outcome, string> = {
  agree: '32', declared: '36', 'model-differs': '31', 'model-error': '41;97', 'expectation-differs': '31;1', unsupported: '33',
  'loader-error': '35', crash: '41;97', timeout: '45;97',
};

export interface SummaryOptions { color?: boolean; logLines?: number }

export function formatSummary(r: RunResult, opts: SummaryOptions = {}): string {
  const paint = (o: Outcome, s: string) => (opts.color ? `\x1b[${COLOR[o]}m${s}\x1b[0m` : s);
  const out: string[] = [];
  const secs = (r.durationMs / 1000).toFixed(1);
  for (const k of r.kernels) {
    const n = r.records.filter((x) => x.kernel === k.spec && x.program !== null).length;
    const release = k.release ? ` (${k.release})` : '';
    out.push(k.error ? `kernel ${k.spec}: NOT RUN: ${k.error}` : `kernel ${k.spec}${release}: ${n} programs, ${k.boots} guest boot${k.boots === 1 ? '' : 's'}`
      + `, objects ${k.built.compiled} compiled / ${k.built.cached} cached${k.built.failed ? ` / ${k.built.failed} failed to compile` : ''}`
      + (k.profile ? `, model: Linux ${k.profile} semantics` : ''));
    if (k.profileNote) out.push(`  note: ${k.profileNote}`);
    if (!k.error && k.libbpf) out.push(`  loaded by ${k.libbpf}${k.toolsNote ? `\n  note: ${k.toolsNote}` : ''}`);
  }
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  for (const k of r.kernels) {
    if (k.error) continue;
    out.push(`  time on ${k.spec}: kernel+BTF ${sec(k.ms.resolve)}, build ${sec(k.ms.build)}, boot ${sec(k.ms.boot)}, `
      + `load ${sec(k.ms.load)} (in-kernel verification ${sec(k.verificationUs / 1000)}), model ${sec(k.ms.model)}`);
  }
  out.push(`${r.records.length} results in ${secs} s`, '');
  for (const o of OUTCOMES) if (r.counts[o] || o === 'agree') out.push(`  ${paint(o, o.padEnd(20))} ${String(r.counts[o]).padStart(5)}`);
  const diffs = r.records.filter((x) => !isGreen(x.outcome));
  if (diffs.length) {
    out.push('', `Differences (${diffs.length}):`);
    for (const d of diffs) out.push('', formatDifference(d, opts, paint));
  }
  out.push('', r.exitCode === 0 ? 'everything agrees or is declared' : r.exitCode === 3 ? 'a kernel could not be used (see above)' : `${diffs.length} difference${diffs.length === 1 ? '' : 's'}`);
  if (r.interrupted) out.push(`INTERRUPTED by ${r.interrupted}: the ${r.records.length} results above were obtained before it; the rest of the corpus was not run`);
  return out.join('\n') + '\n';
}

export function formatDifference(r: ProgramRecord, opts: SummaryOptions = {}, paint = (_o: Outcome, s: string) => s): string {
  const j = recordJson(r);
  const lines: string[] = [];
  const multi = (label: string, text: string) => text.split('\n').forEach((l, i) => lines.push(`${i ? ' '.repeat(label.length) : label}${l}`));
  lines.push(`${paint(r.outcome, `[${r.outcome}]`)} ${programName(r)}  on ${r.kernel}`);
  if (r.expectation.description) lines.push(`  about:    ${r.expectation.description}`);
  for (const why of r.comparison.reasons) multi('  why:      ', why);
  if (r.program !== null) {
    lines.push(`  declared: ${describeExpectation(r.expectation)}${r.expectation.modelDiffers ? `; model differs: ${r.expectation.modelDiffers}` : ''}`);
    lines.push(`  kernel:   ${side(j.kernel)}`);
    for (const rep of j.kernel.reports) multi('  report:   ', formatReportShort(rep).join('\n'));
    lines.push(`  model:    ${side(j.model)}`);
  }
  for (const i of r.insns) {
    lines.push(`  insn (${i.who}): ${i.text}`);
    if (i.line) lines.push(`  ${' '.repeat(i.who.length + 9)}${i.line}`);
  }
  if (r.comparison.messages) multi('  messages: ', formatMatchTable(r.comparison.messages));
  const block = (title: string, text: string) => lines.push(`  ${title}:`, ...text.split('\n').map((l) => `      ${l}`));
  if (r.model?.stateAt) block(`model state at insn ${r.model.insn ?? '?'}`, r.model.stateAt);
  if (r.model?.stack) block('model stack (a bug in the model: please report it with this)', r.model.stack);
  const n = opts.logLines ?? 15;
  const tail = kernelLogTail(r, n);
  if (tail) block(r.kernelSide.kind === 'result' ? `kernel log (last ${n} lines; full log in --json/--html/--out)` : 'guest console (tail)', tail);
  return lines.join('\n');
}

function side(s: { verdict: string; rule: string | null; message: string | null; insn: number | null }): string {
  const parts = [s.verdict];
  if (s.rule) parts.push(s.rule);
  if (s.insn !== null) parts.push(`at insn ${s.insn}`);
  if (s.message) parts.push(`"${s.message.split('\n').join(' / ')}"`);
  return parts.join('  ');
}
