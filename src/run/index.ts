// Conformance runs: runCorpus({kernels, paths, ...}) -> per-kernel, per-program outcomes.
// Other commands (regress) build on this; the CLI's `run` is one caller among others.
import { realAnalysisBackend, realKernelBackend } from './real.js';
import { runCorpusWith, type RunDeps } from './runner.js';
import type { RunOptions, RunResult } from './types.js';

export type { RunOptions, RunResult, RunEvent, ProgramRecord, KernelRun } from './types.js';
export type { KernelBackend, AnalysisBackend, KernelSession } from './backend.js';
export { runCorpusWith, type RunDeps } from './runner.js';
export { discoverCorpus } from './corpus.js';

/** Run the corpus on real kernels (QEMU) and the reference model. */
export async function runCorpus(opts: RunOptions, deps?: Partial<RunDeps>): Promise<RunResult> {
  return runCorpusWith({ kernel: deps?.kernel ?? realKernelBackend, analysis: deps?.analysis ?? realAnalysisBackend }, opts);
}
