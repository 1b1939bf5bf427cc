// The inputs of `merge`, read from disk: a `run --json` output (one record per line), an --out
// run directory (results.jsonl and run.json), or an --out directory itself (its newest run).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/errors.js';
import type { MergeInput } from './merge.js';
import type { RecordJson } from './record.js';
import { recordFromJson } from './record-read.js';

const HINT = 'pass the stdout of `bpf-verdict run --json`, or a `run --out` directory (or one of its dated runs)';

export function readMergeInput(path: string): MergeInput {
  let st;
  try { st = statSync(path); } catch { throw new InputError(path, 'no such file or directory', HINT); }
  if (st.isFile()) return { name: path, records: readRecords(path), run: null };
  let dir = path;
  if (!existsSync(join(dir, 'results.jsonl'))) {
    const newest = newestRun(dir);
    if (!newest) throw new InputError(path, 'neither a run directory (results.jsonl) nor an --out directory (history.jsonl)', HINT);
    dir = join(dir, newest);
  }
  const records = readRecords(join(dir, 'results.jsonl'));
  const runFile = join(dir, 'run.json');
  let run: MergeInput['run'] = null;
  if (existsSync(runFile)) {
    try { run = JSON.parse(readFileSync(runFile, 'utf8')) as MergeInput['run']; } catch (err) {
      throw new InputError(runFile, `not JSON (${(err as Error).message})`, 'the run that wrote it was cut short: run that shard again');
    }
    if (!run || !Array.isArray(run.kernels)) throw new InputError(runFile, 'no "kernels" list', HINT);
  }
  return { name: dir, records, run };
}

/** The newest run of an --out directory: the last line of its history. */
function newestRun(dir: string): string | null {
  const file = join(dir, 'history.jsonl');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  for (const line of lines.reverse()) {
    try {
      const d = (JSON.parse(line) as { dir?: unknown }).dir;
      if (typeof d === 'string' && existsSync(join(dir, d, 'results.jsonl'))) return d;
    } catch { /* a damaged line: try the one before */ }
  }
  return null;
}

function readRecords(file: string) {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [recordFromJson(JSON.parse(line) as RecordJson)];
    } catch (err) {
      throw new InputError(file, `line ${i + 1} is not a bpf-verdict record (${(err as Error).message})`, HINT);
    }
  });
}
