// The history file: one JSON line per run (appended by `run --out DIR`), and how outcomes
// changed from run to run (`bpf-verdict history DIR`). Pure: the file I/O is in store.ts.
import { InputError } from '../shared/errors.js';
import { OUTCOMES, type Outcome } from '../compare/types.js';
import type { RunResult } from '../run/types.js';

export interface HistoryEntry {
  startedAt: string;
  dir: string;                                   // the dated report directory (relative to DIR)
  durationMs: number;
  exitCode: number;
  /** Set when the run was interrupted (e.g. 'SIGINT'): its outcomes cover only part of the corpus. */
  interrupted?: string;
  kernels: { spec: string; id: string | null; release: string | null; error: string | null }[];
  counts: Record<Outcome, number>;
  /** "kernel|object|program" -> outcome, for run-over-run changes. */
  outcomes: Record<string, Outcome>;
}

export const keyOf = (kernel: string, object: string, program: string | null) => `${kernel}|${object}|${program ?? ''}`;

export function historyEntry(r: RunResult, dir: string): HistoryEntry {
  return {
    startedAt: r.startedAt, dir, durationMs: r.durationMs, exitCode: r.exitCode,
    ...(r.interrupted ? { interrupted: r.interrupted } : {}),
    kernels: r.kernels.map((k) => ({ spec: k.spec, id: k.id, release: k.release, error: k.error })),
    counts: r.counts,
    outcomes: Object.fromEntries(r.records.map((x) => [keyOf(x.kernel, x.object, x.program), x.outcome])),
  };
}

/** Parse the history file; a damaged line is an error naming its line (other lines are kept by --skip-bad). */
export function parseHistory(text: string, file: string, opts: { skipBad?: boolean } = {}): { entries: HistoryEntry[]; bad: number[] } {
  const entries: HistoryEntry[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as HistoryEntry;
      if (typeof e.startedAt !== 'string' || typeof e.counts !== 'object' || typeof e.outcomes !== 'object') throw new Error('missing fields');
      entries.push(e);
    } catch (err) {
      if (!opts.skipBad) throw new InputError(file, `line ${i + 1} is not a history entry (${(err as Error).message})`, 'remove or fix that line, or pass --skip-bad');
      bad.push(i + 1);
    }
  });
  return { entries, bad };
}

export interface Change { key: string; kernel: string; object: string; program: string | null; from: Outcome | null; to: Outcome | null }

/** Outcomes that differ between two runs (a program that appeared or disappeared counts too). */
export function changesBetween(a: HistoryEntry, b: HistoryEntry): Change[] {
  const keys = new Set([...Object.keys(a.outcomes), ...Object.keys(b.outcomes)]);
  const out: Change[] = [];
  for (const key of [...keys].sort()) {
    const from = a.outcomes[key] ?? null;
    const to = b.outcomes[key] ?? null;
    if (from === to) continue;
    const [kernel = '', object = '', program = ''] = key.split('|');
    out.push({ key, kernel, object, program: program || null, from, to });
  }
  return out;
}

export function formatHistory(entries: HistoryEntry[]): string {
  if (!entries.length) return 'no runs recorded yet\n';
  const shown = OUTCOMES.filter((o) => entries.some((e) => e.counts[o]));
  const head = ['run (UTC)'.padEnd(20), 'kernels'.padEnd(22), ...shown.map((o) => o.padStart(Math.max(5, o.length))), ' exit'].join(' ');
  const lines = [head];
  for (const e of entries) {
    const kernels = e.kernels.map((k) => k.spec + (k.error ? '!' : '')).join(',');
    lines.push([e.startedAt.replace('T', ' ').slice(0, 19).padEnd(20), kernels.padEnd(22),
      ...shown.map((o) => String(e.counts[o] ?? 0).padStart(Math.max(5, o.length))), String(e.exitCode).padStart(5)].join(' '));
  }
  for (let i = 1; i < entries.length; i++) {
    const changes = changesBetween(entries[i - 1]!, entries[i]!);
    if (!changes.length) continue;
    lines.push('', `changes in the run of ${entries[i]!.startedAt.replace('T', ' ').slice(0, 19)} (against the run before):`);
    for (const c of changes) {
      lines.push(`  ${c.object}${c.program ? `:${c.program}` : ''} on ${c.kernel}: ${c.from ?? '(absent)'} -> ${c.to ?? '(absent)'}`);
    }
  }
  return lines.join('\n') + '\n';
}
