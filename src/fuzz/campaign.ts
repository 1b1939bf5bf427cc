// A fuzz campaign: generate programs (gen/), many per object; on every kernel compile the next
// object while the guest loads the current one; compare kernel and model per program as `run`
// does; shrink each new disagreement on the same guest and write it out (findings.ts); with two
// or more kernels, report every transition between the first kernel and each other one. Stops
// at --count programs, at --time, or when interrupted (what was found is on disk already).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errText } from '../run/describe.js';
import { graphRules } from '../rules/graph.js';
import type { LineName } from '../profiles/types.js';
import { CoverageCounter, type Coverage } from './coverage.js';
import type { CompiledObject, RenderObject } from './compile.js';
import { FindingsStore, type FindingJson } from './findings.js';
import { signatureOf, type Observation, type Signature } from './observe.js';
import { shrink } from './shrink.js';
import { treeSize } from './shrink-tree.js';
import { count, emptyStats, shares, type KernelStats } from './stats.js';
import type { Target } from './target.js';
import { summarizeTransitions, transitions, type TransitionSummary } from './transitions.js';
import type { FuzzBatch, FuzzProgram, Generate } from './types.js';

export interface CampaignOptions {
  kernels: string[];
  seed: number;
  /** Stop after this many programs (default when neither is given: 200). */
  count?: number;
  /** Stop after this long. */
  timeMs?: number;
  /** Findings directory. */
  out: string;
  /** Programs rendered into one object. */
  perObject?: number;
  /** Shrink disagreements (default true). */
  shrink?: boolean;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface CampaignDeps {
  open: (spec: string) => Promise<Target>;
  generate: Generate;
  render: RenderObject;
}

export interface KernelReport {
  spec: string; id: string | null; release: string | null; profile: string | null; profileNote: string | null;
  boots: number; error: string | null;
  /** Milliseconds in clang, the guest's loads and the model (shrinking included). */
  ms: { compile: number; load: number; model: number; verify: number };
  stats: KernelStats; shares: ReturnType<typeof shares>; coverage: Coverage | null;
}

export interface CampaignResult {
  seed: number;
  line: LineName | null;
  programs: number;
  durationMs: number;
  programsPerSecond: number;
  kernels: KernelReport[];
  findings: FindingJson[];
  transitions: TransitionSummary | null;
  interrupted: boolean;
  /** 0 no finding, 1 findings, 3 a kernel could not be used. */
  exitCode: 0 | 1 | 3;
  out: string;
}

const GRAPH_IDS: ReadonlySet<string> = new Set(graphRules.map((r) => r.id));

export async function runCampaign(deps: CampaignDeps, o: CampaignOptions): Promise<CampaignResult> {
  const t0 = Date.now();
  const say = o.onProgress ?? (() => undefined);
  const perObject = o.perObject ?? 32;
  const limit = o.count ?? (o.timeMs ? Infinity : 200);
  mkdirSync(o.out, { recursive: true });
  const store = new FindingsStore(o.out);
  const reports: KernelReport[] = o.kernels.map((spec) => ({ spec, id: null, release: null, profile: null, profileNote: null, boots: 0, error: null, ms: { compile: 0, load: 0, model: 0, verify: 0 },
    stats: emptyStats(), shares: shares(emptyStats()), coverage: null }));
  const coverage = o.kernels.map(() => new CoverageCounter());
  const targets: Target[] = [];
  let programs = 0;
  let line: LineName | null = null;
  const transitionList: ReturnType<typeof transitions> = [];
  const finish = (exitCode: 0 | 1 | 3): CampaignResult => {
    const durationMs = Date.now() - t0;
    targets.forEach((t, i) => {
      const r = reports[i]!;
      r.release = t.release();
      r.boots = t.boots();
      r.ms = { compile: Math.round(t.ms.compile), load: Math.round(t.ms.load), model: Math.round(t.ms.model), verify: Math.round(t.ms.verify) };
      r.shares = shares(r.stats);
      r.coverage = coverage[i]!.result(t.profile, GRAPH_IDS);
    });
    store.flush();
    const result: CampaignResult = {
      seed: o.seed, line, programs, durationMs, programsPerSecond: Math.round((programs / Math.max(durationMs, 1)) * 10000) / 10,
      kernels: reports, findings: store.list, transitions: targets.length > 1 ? summarizeTransitions(transitionList) : null,
      interrupted: !!o.signal?.aborted, exitCode: exitCode === 3 ? 3 : store.list.length ? 1 : 0, out: o.out,
    };
    writeFileSync(join(o.out, 'summary.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  };

  try {
    for (const [i, spec] of o.kernels.entries()) {
      if (o.signal?.aborted) return finish(0);
      try {
        const t = await deps.open(spec);
        targets.push(t);
        Object.assign(reports[i]!, { id: t.kernel.id, profile: t.profile.name, profileNote: t.profileNote });
        if (t.profileNote) say(`${spec}: ${t.profileNote}`);
      } catch (err) {
        if (o.signal?.aborted) return finish(0);
        reports[i]!.error = errText(err);
        say(`kernel ${spec} could not be used: ${reports[i]!.error.split('\n')[0]}`);
        return finish(3);
      }
    }
    // Programs written against the oldest line's graph API load on every newer line too.
    line = targets.map((t) => t.profile.name).sort(lineOrder)[0]!;
    say(`fuzzing ${o.kernels.join(' and ')} with programs for Linux ${line}'s graph API, seed ${o.seed}, ${perObject} programs per object`);

    let first = 0;
    const prepare = async (): Promise<{ batch: FuzzBatch; compiled: CompiledObject[] } | null> => {
      const n = Math.min(perObject, limit - first);
      if (n <= 0) return null;
      const batch = deps.generate({ seed: o.seed, line: line!, count: n, first });
      first += n;   // program indices, whatever the generator returned for them
      // one kernel at a time: clang is the bottleneck on a small machine, two at once only contend
      const compiled: CompiledObject[] = [];
      for (const t of targets) compiled.push(await t.compile(batch, batch.programs));
      return { batch, compiled };
    };
    const timeUp = () => o.timeMs !== undefined && Date.now() - t0 >= o.timeMs;
    let next = prepare();
    for (;;) {
      const cur = await next;
      if (!cur || o.signal?.aborted) break;
      if (!cur.batch.programs.length) { next = timeUp() ? Promise.resolve(null) : prepare(); continue; }
      next = timeUp() || o.signal?.aborted ? Promise.resolve(null) : prepare();
      next.catch(() => undefined);   // its error surfaces when it is awaited
      const observed = await Promise.all(targets.map((t, i) => t.load(cur.compiled[i]!).catch((err: unknown) => { throw new TargetFailed(i, err); })));
      if (o.signal?.aborted) break;
      programs += cur.batch.programs.length;
      for (const [i, obs] of observed.entries()) {
        for (const ob of obs) {
          count(reports[i]!.stats, ob);
          coverage[i]!.add(ob);
        }
      }
      for (let i = 1; i < targets.length; i++) {
        const ts = transitions({ spec: targets[0]!.spec, obs: observed[0]! }, { spec: targets[i]!.spec, obs: observed[i]! });
        transitionList.push(...ts);
        for (const t of ts) appendFileSync(join(o.out, 'transitions.jsonl'), JSON.stringify(t) + '\n');
      }
      for (const [i, obs] of observed.entries()) {
        for (const ob of obs) {
          const sig = signatureOf(ob);
          if (!sig || store.seen(targets[i]!.spec, sig)) continue;
          const p = cur.batch.programs.find((x) => x.name === ob.program);
          if (p) await report(deps, o, targets[i]!, store, cur.batch, p, ob, sig, say);
          if (o.signal?.aborted) break;
        }
      }
      const s = reports[0]!.stats;
      const secs = (Date.now() - t0) / 1000;
      say(`${programs} programs (${(programs / secs).toFixed(1)}/s): kernel accepted ${s.kernelAccepts}, rejected ${s.kernelRejects}; `
        + `model unsupported ${s.modelUnsupported}; findings ${store.list.length}${targets.length > 1 ? `; transitions ${transitionList.length}` : ''}`);
    }
    await next.catch(() => undefined);
    return finish(0);
  } catch (err) {
    if (o.signal?.aborted) return finish(0);
    // a guest that cannot be booted again, clang gone: what was found stands, the kernel is unusable
    const i = err instanceof TargetFailed ? err.index : 0;
    const why = errText(err instanceof TargetFailed ? err.cause : err);
    say(`campaign stopped: ${reports[i]!.spec}: ${why.split('\n')[0]}`);
    reports[i]!.error = why;
    return finish(3);
  } finally {
    await Promise.all(targets.map((t) => t.shutdown()));
  }
}

/** Shrink a new disagreement on its kernel (not a crash or hang: each candidate would take the guest down) and write it out. */
async function report(deps: CampaignDeps, o: CampaignOptions, t: Target, store: FindingsStore, batch: FuzzBatch,
                      p: FuzzProgram, ob: Observation, sig: Signature, say: (m: string) => void): Promise<void> {
  let program = p;
  let final = ob;
  let rounds = 0;
  const sizeBefore = treeSize(p.body);
  if (o.shrink !== false && sig.kind !== 'crash' && sig.kind !== 'timeout') {
    const seen = new Map<string, Observation>();
    try {
      const r = await shrink(p, sig, async (cands) => {
        const obs = await t.check({ programs: cands, decls: batch.decls }, cands);
        for (const x of obs) seen.set(x.program, x);
        return new Map(obs.filter((x) => x.kernel.verdict !== 'compile-error').map((x) => [x.program, signatureOf(x)]));
      }, { signal: o.signal });
      program = r.program;
      rounds = r.rounds;
      if (r.checkedAs) final = seen.get(r.checkedAs) ?? ob;
    } catch (err) {
      if (!o.signal?.aborted) say(`${p.name}: shrinking stopped (${errText(err).split('\n')[0]}); writing the program as generated`);
    }
  }
  let text = null;
  try {
    const alone: FuzzBatch = { programs: [program], decls: batch.decls };
    text = { kind: sig.kind, program, rendered: deps.render(alone, [program]), kernelSpec: t.spec, line: t.profile.name, release: t.release(),
      seed: o.seed, kernel: final.kernel, model: final.model, sizeBefore, size: treeSize(program.body) };
  } catch (err) {
    say(`${p.name}: cannot render the finding (${errText(err).split('\n')[0]}); it is in findings.jsonl only`);
  }
  const f = store.add(sig, {
    kind: sig.kind, kernel_spec: t.spec, release: t.release(), profile: t.profile.name, seed: o.seed, program: p.name, fault: p.fault, shapes: p.shapes,
    kernel: final.kernel, model: final.model, size_before: sizeBefore, size: treeSize(program.body), shrink_rounds: rounds,
  }, text);
  say(`finding ${store.list.length}: ${sig.kind} on ${t.spec} (kernel ${sig.kernelRule ?? final.kernel.verdict}, model ${sig.modelRule ?? final.model?.verdict ?? '-'})`
    + `, ${sizeBefore} -> ${f.size} statements${f.file ? `: ${join(o.out, f.file)}` : ''}`);
}

/** A kernel's guest could not go on (it could not be booted again): which kernel, and why. */
class TargetFailed extends Error {
  override name = 'TargetFailed';
  constructor(readonly index: number, override readonly cause: unknown) {
    super(errText(cause));
  }
}

function lineOrder(a: string, b: string): number {
  const [x, y] = [a, b].map((s) => s.split('.').map(Number));
  return x![0]! - y![0]! || (x![1] ?? 0) - (y![1] ?? 0);
}
