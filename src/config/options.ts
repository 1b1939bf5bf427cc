// The configuration as runCorpus options: one mapping for every caller (run, regress, bench/run).
// Callers put their flags on top.
import type { RunOptions } from '../run/types.js';
import type { RunConfig } from './types.js';

export function runOptionsFrom(cfg: RunConfig): RunOptions {
  return {
    kernels: cfg.kernels, paths: cfg.corpus, include: cfg.include, exclude: cfg.exclude, kernelOnly: cfg.kernelOnly, profileGaps: cfg.profileGaps,
    includeDirs: cfg.build.includeDirs, cflags: cfg.build.cflags, profile: cfg.profile,
    memoryMb: cfg.memoryMb, cpus: cfg.cpus, bootTimeoutSec: cfg.timeouts.bootSec, loadTimeoutSec: cfg.timeouts.loadSec,
  };
}
