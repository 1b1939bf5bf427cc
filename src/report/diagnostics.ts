// 7.x failure reports (kernel/bpf/diagnostics.c, read by src/shared/verifier-log.ts) as text: whole for
// the HTML page, short for the terminal (headline, reason, where, the causal events, suggestion).
import type { DiagnosticReport } from '../shared/verdict.js';

export function reportHeadline(r: DiagnosticReport): string {
  return r.problem ? `${r.category}: ${r.problem}` : r.category;
}

/** The report laid out as the kernel printed it (sections and their text, indented). */
export function formatReportFull(r: DiagnosticReport): string {
  const out = [`Verification failed: ${reportHeadline(r)}`];
  const section = (title: string, text: string | null) => {
    if (text !== null) out.push(`${title}:`, ...text.split('\n').map((l) => `  ${l}`));
  };
  section('Reason', r.reason);
  section('At', r.at);
  section('Causal path', r.causalPath);
  section('Active lock', r.activeLock);
  for (const o of r.other) section(o.title, o.text);
  section('Suggestion', r.suggestion);
  return out.join('\n');
}

/**
 * The causal path as events: "leak.c:36:24 acquired: owned resource (id=2)". Each source block
 * starts with "FUNC @ FILE:LINE:COL" (or "FILE:LINE:COL", or "insn N" without line info) and
 * marks its event with "^-- KIND: text", which may wrap onto the next line.
 */
export function causalEvents(causalPath: string | null): string[] {
  if (!causalPath) return [];
  const events: string[] = [];
  let where = '';
  let last = -1;
  for (const line of causalPath.split('\n')) {
    const loc = /^(?:\S+ @ )?(\S+:\d+:\d+|insn \d+)$/.exec(line);
    if (loc) { where = loc[1]!; last = -1; continue; }
    const mark = /\|\s*\^-- (.*)$/.exec(line);
    if (mark) { events.push(`${where} ${mark[1]!.trim()}`); last = events.length - 1; continue; }
    const more = /^\s+\|\s{5,}(\S.*)$/.exec(line);
    if (more && last >= 0) events[last] += ` ${more[1]!.trim()}`;
    else if (!/^\s+\|/.test(line)) last = -1;
  }
  return events;
}

/** A few lines for the terminal. */
export function formatReportShort(r: DiagnosticReport): string[] {
  const oneLine = (s: string | null) => (s ?? '').split('\n').map((l) => l.trim()).join(' ');
  const lines = [reportHeadline(r)];
  if (r.reason) lines.push(`reason: ${oneLine(r.reason)}`);
  const at = r.at?.split('\n')[0];
  if (at) lines.push(`at: ${at}`);
  for (const e of causalEvents(r.causalPath)) lines.push(`path: ${e}`);
  if (r.activeLock) lines.push(`active lock: ${oneLine(r.activeLock)}`);
  if (r.suggestion) lines.push(`suggestion: ${oneLine(r.suggestion)}`);
  return lines;
}
