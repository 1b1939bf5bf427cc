// The history file on disk: DIR/history.jsonl, appended once per run.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../shared/errors.js';
import { parseHistory, type HistoryEntry } from './history.js';

export const HISTORY_FILE = 'history.jsonl';

export function appendHistory(dir: string, entry: HistoryEntry): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, HISTORY_FILE);
  appendFileSync(file, JSON.stringify(entry) + '\n');
  return file;
}

export function readHistory(dir: string, opts: { skipBad?: boolean } = {}): { entries: HistoryEntry[]; bad: number[]; file: string } {
  const file = join(dir, HISTORY_FILE);
  if (!existsSync(file)) {
    throw new InputError(dir, `no ${HISTORY_FILE} here`, 'write one with: bpf-verdict run --out DIR (each run appends a line)');
  }
  return { ...parseHistory(readFileSync(file, 'utf8'), file, opts), file };
}
