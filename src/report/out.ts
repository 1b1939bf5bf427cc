// `run --out DIR`: every report of the run in a dated directory, plus one line in DIR's history.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendHistory } from '../history/store.js';
import { historyEntry } from '../history/history.js';
import type { RunResult } from '../run/types.js';
import { formatHtml } from './html.js';
import { formatJunit } from './junit.js';
import { recordJson } from './record.js';
import { formatSummary } from './summary.js';
import { formatTap } from './tap.js';

/** The C sources the records point at (the HTML page embeds them). Unreadable ones are skipped. */
export function readSources(r: RunResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rec of r.records) {
    if (!rec.source || rec.source in out) continue;
    try { out[rec.source] = readFileSync(rec.source, 'utf8'); } catch { /* moved since the run: no source pane */ }
  }
  return out;
}

export function jsonLines(r: RunResult): string {
  return r.records.map((x) => JSON.stringify(recordJson(x))).join('\n') + (r.records.length ? '\n' : '');
}

/** Directory name for a run: sortable, no ':' (portable file names). */
export function datedName(startedAt: string): string {
  return startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export function writeOutDir(dir: string, r: RunResult): { runDir: string; history: string } {
  const name = datedName(r.startedAt);
  const runDir = join(dir, name);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'summary.txt'), formatSummary(r, { logLines: 40 }));
  writeFileSync(join(runDir, 'results.jsonl'), jsonLines(r));
  writeFileSync(join(runDir, 'junit.xml'), formatJunit(r));
  writeFileSync(join(runDir, 'results.tap'), formatTap(r));
  writeFileSync(join(runDir, 'report.html'), formatHtml({ result: r, sources: readSources(r) }));
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ startedAt: r.startedAt, durationMs: r.durationMs, exitCode: r.exitCode, interrupted: r.interrupted ?? null, counts: r.counts, kernels: r.kernels, shard: r.shard }, null, 1));
  const history = appendHistory(dir, historyEntry(r, name));
  return { runDir, history };
}
