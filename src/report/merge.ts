// `merge`: results of several runs (CI shards, or kernels run on different machines) as one run,
// so every report (terminal, JSON, JUnit, HTML, history) reads as if one `run` had done it all.
// Pure: reading the inputs is merge-read.ts's.
import { OUTCOMES, isGreen, type Outcome } from '../compare/types.js';
import { InputError } from '../shared/errors.js';
import type { KernelRun, ProgramRecord, RunResult, Shard } from '../run/types.js';

export interface MergeInput {
  name: string;                        // the path given, for errors
  records: ProgramRecord[];
  /** From an --out directory's run.json; null for a --json file (which has only records). */
  run: { startedAt: string; durationMs: number; kernels: KernelRun[]; shard?: Shard } | null;
}

export interface Merged { result: RunResult; warnings: string[] }

export function mergeRuns(inputs: MergeInput[]): Merged {
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  const kernelOrder: string[] = [];
  const kernels = new Map<string, KernelRun>();
  const records: ProgramRecord[] = [];
  for (const input of inputs) {
    for (const k of input.run?.kernels ?? []) addKernel(k);
    for (const r of input.records) {
      const key = `${r.kernel}|${r.object}|${r.program ?? ''}`;
      const other = seen.get(key);
      if (other !== undefined) {
        throw new InputError(input.name, `${r.object}${r.program ? `:${r.program}` : ''} on ${r.kernel} is also in ${other}`,
          'merge each shard once: the same results twice would be counted twice (were two shards run with the same --shard?)');
      }
      seen.set(key, input.name);
      addKernel({ spec: r.kernel, id: r.kernelId, release: null, error: null, boots: 0, profile: r.profile, profileNote: null,
        ms: { resolve: 0, build: 0, boot: 0, load: 0, model: 0 }, built: { compiled: 0, cached: 0, failed: 0 }, verificationUs: 0 }, true);
      records.push(r);
    }
  }
  warnings.push(...shardGaps(inputs));

  const rank = new Map(kernelOrder.map((k, i) => [k, i]));
  // The order one unsharded run prints: by kernel, then sources that did not compile, then C
  // sources, then ready .o objects, each by path; programs keep their order within an object.
  const kind = (r: ProgramRecord) => (r.object.endsWith('.o') ? 2 : r.program === null ? 0 : 1);
  const sorted = records.map((r, i) => ({ r, i })).sort((a, b) =>
    rank.get(a.r.kernel)! - rank.get(b.r.kernel)! || kind(a.r) - kind(b.r)
    || (a.r.object < b.r.object ? -1 : a.r.object > b.r.object ? 1 : 0) || a.i - b.i).map((x) => x.r);

  const runs = inputs.flatMap((i) => (i.run ? [i.run] : []));
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of sorted) counts[r.outcome]++;
  const ks = kernelOrder.map((s) => kernels.get(s)!);
  const exitCode = ks.some((k) => k.error) ? 3 : sorted.every((r) => isGreen(r.outcome)) ? 0 : 1;
  const startedAt = runs.map((r) => r.startedAt).sort()[0] ?? new Date().toISOString();
  // Shards run side by side: the merged run took as long as its slowest part.
  const durationMs = Math.max(0, ...runs.map((r) => r.durationMs));
  return { result: { startedAt, durationMs, kernels: ks, records: sorted, counts, exitCode }, warnings };

  function addKernel(k: KernelRun, fromRecord = false): void {
    const have = kernels.get(k.spec);
    if (!have) {
      kernelOrder.push(k.spec);
      kernels.set(k.spec, structuredClone(k));
      return;
    }
    have.id ??= k.id;
    if (fromRecord) return;
    have.release ??= k.release;
    have.error = have.error && k.error && have.error !== k.error ? `${have.error}\n${k.error}` : have.error ?? k.error;
    have.boots += k.boots;
    have.verificationUs += k.verificationUs;
    for (const p of Object.keys(have.ms) as (keyof KernelRun['ms'])[]) have.ms[p] += k.ms[p];
    for (const p of Object.keys(have.built) as (keyof KernelRun['built'])[]) have.built[p] += k.built[p];
  }
}

/** Shards missing from a set of --out directories that say which shard they ran (run.json). */
function shardGaps(inputs: MergeInput[]): string[] {
  const shards = inputs.flatMap((i) => (i.run?.shard ? [i.run.shard] : []));
  if (!shards.length) return [];
  const counts = [...new Set(shards.map((s) => s.count))];
  if (counts.length > 1) return [`the inputs come from different splits (${counts.map((c) => `/${c}`).join(', ')}): some files may be in none or in two`];
  const n = counts[0]!;
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !shards.some((s) => s.index === i));
  return missing.length ? [`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} missing: this report covers part of the corpus`] : [];
}
