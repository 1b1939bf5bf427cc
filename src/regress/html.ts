// A self-contained HTML regress report: summary, then every program (changed first) with both
// kernels' verdicts and messages, the model's, and both verifier logs folded. Pure: data in, HTML out.
import { kernelText, programName } from '../report/record.js';
import type { ProgramRecord } from '../run/types.js';
import type { RegressRow, RegressSummary, Side } from './diff.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface HtmlInput {
  base: string;
  head: string;
  rows: RegressRow[];
  summary: RegressSummary;
  /** The records behind the rows, for the logs (keyed `${object}\0${program}` per kernel spec). */
  records: ProgramRecord[];
  generatedAt: string;
}

function logOf(records: ProgramRecord[], spec: string, row: RegressRow): string {
  const r = records.find((x) => x.kernel === spec && x.object === row.object && x.program === row.program);
  if (!r) return '';
  const k = r.kernelSide;
  return k.kind === 'not-loaded' ? k.error : kernelText(k);
}

const side = (s: Side | null) => !s ? '<td>not run</td>' :
  `<td class="v-${esc(s.verdict)}"><b>${esc(s.verdict)}</b>${s.rule ? ` <code>${esc(s.rule)}</code>` : ''}${s.message ? `<br><small>${esc(s.message)}</small>` : ''}</td>`;

export function regressHtml(d: HtmlInput): string {
  const rows = [...d.rows].sort((a, b) => Number(b.flagged) - Number(a.flagged) || Number(b.changed) - Number(a.changed));
  const body = rows.map((r, i) => {
    const name = programName(r);
    const cls = r.flagged ? 'flagged' : r.changed ? 'changed' : 'same';
    const agrees = r.model_agrees === null ? 'n/a' : r.model_agrees ? 'yes' : 'no';
    const logs = [['base', d.base], ['head', d.head]].map(([label, spec]) =>
      `<details><summary>${label} kernel's verifier log</summary><pre>${esc(logOf(d.records, spec!, r))}</pre></details>`).join('');
    return `<tr class="${cls}" id="p${i}"><td><code>${esc(name)}</code><br><small>${esc(r.section ?? '')}</small></td>`
      + `<td>${r.change ? `<b>${esc(r.change)}</b>` : '-'}</td>${side(r.base)}${side(r.head)}${side(r.model)}`
      + `<td class="a-${agrees}">${agrees}</td><td>${esc(r.expected ?? '-')}${r.expectation_ok === false ? ' <b>(violated)</b>' : ''}</td></tr>`
      + `<tr class="${cls} logs"><td colspan="7">${logs}</td></tr>`;
  }).join('\n');
  const s = d.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bpf-verdict regress: ${esc(d.base)} -> ${esc(d.head)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}dl.specs dd{font-family:monospace;word-break:break-all;margin:0 0 .4em 1.5em}
td:nth-child(2){white-space:nowrap}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
tr.flagged>td:first-child{border-left:4px solid #c0392b}tr.changed>td:first-child{border-left:4px solid #e6a700}
tr.logs td{border-bottom:2px solid #bbb;padding-top:0}pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:.5em;max-height:30em;overflow:auto}
.v-accept b{color:#1e7b34}.v-reject b{color:#a12}.a-no{color:#c0392b;font-weight:bold}.a-yes{color:#1e7b34}
.summary span{display:inline-block;margin-right:1.5em}
</style></head><body>
<h1>Regress: base → head kernel</h1>
<dl class="specs"><dt>base</dt><dd>${esc(d.base)}</dd><dt>head</dt><dd>${esc(d.head)}</dd></dl>
<p class="summary"><span>${s.programs} programs</span><span>${s.changed} changed</span><span>${s.modelAgreesWithChange} changes the model agrees with</span><span><b>${s.flagged} flagged</b> (head disagrees with the model or a declared expectation)</span></p>
<p><small>generated ${esc(d.generatedAt)} by bpf-verdict regress</small></p>
<table><thead><tr><th>program</th><th>change</th><th>base kernel</th><th>head kernel</th><th>model</th><th>model agrees with head</th><th>declared</th></tr></thead>
<tbody>
${body}
</tbody></table></body></html>
`;
}
