// One self-contained HTML page: the kernel x program matrix, filters by outcome, and per program
// the source, the kernel's log and the model's trace side by side. No external resources: the data
// is embedded as JSON and rendered by a small inline script (html-page.ts holds the page template).
import { OUTCOMES } from '../compare/types.js';
import type { RunResult } from '../run/types.js';
import { PAGE_CSS, PAGE_SCRIPT } from './html-page.js';
import { formatReportFull } from './diagnostics.js';
import { recordJson } from './record.js';

export interface HtmlInput {
  result: RunResult;
  /** C source text by path (the caller reads the files; this stays pure). */
  sources: Record<string, string>;
  title?: string;
}

/** Embeddable JSON: '<' escaped so no "</script>" in a log can end the script element. */
const embed = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatHtml({ result, sources, title }: HtmlInput): string {
  const data = {
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    exitCode: result.exitCode,
    outcomes: OUTCOMES,
    counts: result.counts,
    kernels: result.kernels.map((k) => ({ spec: k.spec, id: k.id, release: k.release, libbpf: k.libbpf, toolsNote: k.toolsNote, profile: k.profile, profileNote: k.profileNote, error: k.error, boots: k.boots })),
    records: result.records.map((r) => ({
      ...recordJson(r),
      source: r.source,
      trace: r.model?.trace ?? null,
      reportTexts: r.kernelSide.kind === 'result' ? (r.kernelSide.result.reports ?? []).map(formatReportFull) : [],
      sourceLines: r.insns.flatMap((i) => (i.line ? [Number(/:(\d+):/.exec(i.line)?.[1] ?? 0)] : [])).filter((n) => n > 0),
    })),
    sources,
  };
  const heading = title ?? `bpf-verdict run ${result.startedAt.replace('T', ' ').slice(0, 19)} UTC`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(heading)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
  <h1>${esc(heading)}</h1>
  <p id="summary"></p>
  <div id="filters" role="group" aria-label="filter by outcome"></div>
  <input id="search" type="search" placeholder="filter by object, program, rule, message">
</header>
<main>
  <table id="matrix"><thead></thead><tbody></tbody></table>
  <section id="details" hidden></section>
</main>
<script id="data" type="application/json">${embed(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
