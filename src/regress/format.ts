// Regress reports as text: a table of the changed programs (all with --all) and a summary, or
// JSON lines (one object per program). Pure: rows in, strings out.
import { programName } from '../report/record.js';
import type { RegressRow, RegressSummary, Side } from './diff.js';

export function jsonLines(rows: RegressRow[]): string {
  return rows.map((r) => JSON.stringify(r) + '\n').join('');
}

const short = (s: Side | null): string => {
  if (!s) return 'not-run';
  return s.rule ? `${s.verdict} (${s.rule})` : s.verdict;
};

const agrees = (r: RegressRow) => (r.model_agrees === null ? 'n/a' : r.model_agrees ? 'yes' : 'NO');

export function formatTable(rows: RegressRow[], opts: { all?: boolean; color?: boolean } = {}): string {
  const shown = rows.filter((r) => opts.all || r.changed);
  if (!shown.length) return '';
  const cells = shown.map((r) => [
    programName(r),
    short(r.base), short(r.head), short(r.model), agrees(r),
    r.expected ?? '-', r.flagged ? 'FLAGGED' : r.changed ? 'changed' : '',
  ]);
  const head = ['PROGRAM', 'BASE', 'HEAD', 'MODEL', 'MODEL AGREES', 'DECLARED', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  const paint = (text: string, r: RegressRow) => (!opts.color || !r.changed ? text : `\x1b[${r.flagged ? '31;1' : '33'}m${text}\x1b[0m`);
  const out = [line(head), ...cells.map((c, i) => paint(line(c), shown[i]!))];
  // The messages, for changed programs: what the kernel said before and after.
  for (const r of shown.filter((x) => x.changed)) {
    out.push('', `${programName(r)}: ${r.change}`,
      `  base:  ${r.base.message ?? '(no message)'}`, `  head:  ${r.head.message ?? '(no message)'}`,
      `  model: ${r.model ? `${r.model.verdict}${r.model.message ? `: ${r.model.message}` : ''}` : 'not run'}`);
  }
  return out.join('\n') + '\n';
}

export function formatSummary(s: RegressSummary, base: string, head: string): string {
  const kinds = Object.entries(s.byChange).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  return `regress ${base} -> ${head}: ${s.programs} programs, ${s.changed} changed${kinds ? ` (${kinds})` : ''}; `
    + `${s.modelAgreesWithChange} change${s.modelAgreesWithChange === 1 ? '' : 's'} the model agrees with, `
    + `${s.flagged} flagged (head disagrees with the model or a declared expectation)\n`;
}
