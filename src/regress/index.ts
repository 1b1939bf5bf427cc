// regress: run the corpus on a base and a head kernel (one runCorpus call, two kernels) and
// report what changed between them, next to the model. The I/O is runCorpus's; this file only
// pairs the results (diff.ts) and chooses the exit code.
import { runCorpus, type RunOptions, type RunResult } from '../run/index.js';
import { UsageError } from '../errors.js';
import { regressExitCode, regressRows, summarize, type RegressRow, type RegressSummary } from './diff.js';

export type { RegressRow, RegressSummary, Side, Change } from './diff.js';

export interface RegressOptions extends Omit<RunOptions, 'kernels'> {
  base: string;
  head: string;
}

export interface RegressResult {
  base: string;
  head: string;
  run: RunResult;
  rows: RegressRow[];
  summary: RegressSummary;
  exitCode: 0 | 1 | 3;
}

export async function runRegress(opts: RegressOptions, run: (o: RunOptions) => Promise<RunResult> = runCorpus): Promise<RegressResult> {
  if (opts.base === opts.head) throw new UsageError(`--base and --head are the same kernel (${opts.base})`, 'compare two different kernels, e.g. --base src:TREE --head src:TREE+fix.patch');
  const { base, head, ...rest } = opts;
  const result = await run({ ...rest, kernels: [base, head] });
  const rows = regressRows(result, base, head);
  return { base, head, run: result, rows, summary: summarize(rows), exitCode: regressExitCode(result, rows) };
}
