// regress: run the corpus on a base and a head kernel (one runCorpus call, two kernels) and
// report what changed between them, next to the model. The I/O is runCorpus's; this file only
// pairs the results (diff.ts) and chooses the exit code.
// Both kernels are resolved (downloaded or built) before the corpus runs on either: a head that
// does not build must not cost a run on the base, and a comparison with one side missing would
// report every program as changed. When a kernel cannot be used, nothing is compared.
import { runCorpus, type RunDeps, type RunOptions, type RunResult } from '../run/index.js';
import type { KernelBackend, KernelHandle } from '../run/backend.js';
import { realKernelBackend } from '../run/real.js';
import { errText } from '../run/describe.js';
import { UsageError } from '../shared/errors.js';
import { regressExitCode, regressRows, summarize, type RegressRow, type RegressSummary } from './diff.js';

export type { RegressRow, RegressSummary, Side, Change } from './diff.js';

export interface RegressOptions extends Omit<RunOptions, 'kernels'> {
  base: string;
  head: string;
}

export interface RegressResult {
  base: string;
  head: string;
  /** null when a kernel could not be used before the corpus ran. */
  run: RunResult | null;
  /** False when a kernel could not be used: then rows is empty and `unusable` says why. */
  compared: boolean;
  unusable: { spec: string; error: string }[];
  rows: RegressRow[];
  summary: RegressSummary;
  exitCode: 0 | 1 | 3;
}

export interface RegressDeps {
  run: (o: RunOptions, deps?: Partial<RunDeps>) => Promise<RunResult>;
  kernel: KernelBackend;
}

export async function runRegress(opts: RegressOptions, deps: Partial<RegressDeps> = {}): Promise<RegressResult> {
  if (opts.base === opts.head) throw new UsageError(`--base and --head are the same kernel (${opts.base})`, 'compare two different kernels, e.g. --base src:TREE --head src:TREE+fix.patch');
  const { base, head, ...rest } = opts;
  const kernel = deps.kernel ?? realKernelBackend;
  const run = deps.run ?? runCorpus;
  const emit = opts.onProgress ?? (() => undefined);
  const notCompared = (r: RunResult | null, unusable: RegressResult['unusable']): RegressResult =>
    ({ base, head, run: r, compared: false, unusable, rows: [], summary: summarize([]), exitCode: 3 });

  const resolved = new Map<string, KernelHandle>();
  for (const spec of [base, head]) {
    try {
      resolved.set(spec, await kernel.resolve(spec, (message) => emit({ kind: 'kernel', spec, phase: 'resolve', message }), { kernelBuild: opts.kernelBuild }));
    } catch (err) {
      return notCompared(null, [{ spec, error: errText(err) }]);
    }
  }
  // The run resolves again: hand it what is already resolved.
  const once: KernelBackend = { ...kernel, resolve: async (spec, p, b) => resolved.get(spec) ?? kernel.resolve(spec, p, b) };
  const result = await run({ ...rest, kernels: [base, head] }, { kernel: once });
  const unusable = result.kernels.filter((k) => k.error).map((k) => ({ spec: k.spec, error: k.error! }));
  if (unusable.length) return notCompared(result, unusable);
  const rows = regressRows(result, base, head);
  return { base, head, run: result, compared: true, unusable: [], rows, summary: summarize(rows), exitCode: regressExitCode(result, rows) };
}
