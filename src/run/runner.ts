// runCorpus: for each kernel, build the corpus against its vmlinux.h, boot its guests (--jobs), load every
// object, and compare kernel x model x expectation per program. Results are appended as they
// come, so an unusable kernel or a guest that keeps dying loses nothing already obtained.
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { join } from 'node:path';
import { buildObjects, type BuildOutcome } from '../build/build.js';
import { ObjectCache } from '../build/cache.js';
import { compare } from '../compare/compare.js';
import { OUTCOMES, isGreen, type Comparison, type KernelSide, type ModelSide, type Outcome } from '../compare/types.js';
import { parseExpectation } from '../expect/tags.js';
import { inKernelRange, parseKernelRange, releaseVersion } from '../expect/kernels.js';
import { UNSUPPORTED } from '../rules/unsupported.js';
import type { KernelResult } from '../shared/verdict.js';
import type { Btf } from '../btf/types.js';
import { getProfile, profileForRelease, type Profile } from '../profiles/index.js';
import { displayPath as display, errText } from './describe.js';
import { analyzeRead, readForLoad, type ObjectAnalysis } from './analyze.js';
import type { AnalysisBackend, KernelBackend, KernelHandle } from './backend.js';
import { corpusForKernel, discoverCorpus, type Corpus } from './corpus.js';
import { planGuests, planLanes, shareOut, vcpusPerGuest } from './guests.js';
import { GuestPool, RunInterrupted, type LoadAnswer } from './session.js';
import { shardCorpus } from './shard.js';
import type { KernelRun, ProgramRecord, RunOptions, RunResult } from './types.js';

export interface RunDeps { kernel: KernelBackend; analysis: AnalysisBackend }

export async function runCorpusWith(deps: RunDeps, opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const emit = opts.onProgress ?? (() => undefined);
  if (opts.profile) getProfile(opts.profile); // an unknown name is a usage error before any work
  const found = discoverCorpus(opts.paths, opts.include ?? ['*.c', '*.o'], opts.exclude ?? []);
  const corpus = opts.shard ? shardCorpus(found, opts.shard) : found;
  if (!corpus.sources.length && !corpus.objects.length) {
    emit({ kind: 'note', message: opts.shard && (found.sources.length || found.objects.length)
      ? `shard ${opts.shard.index}/${opts.shard.count} holds none of the ${found.sources.length + found.objects.length} files under ${opts.paths.join(', ')}`
      : `no programs found under ${opts.paths.join(', ')}` });
  }
  const kernels: KernelRun[] = opts.kernels.map((spec) => ({
    spec, id: null, release: null, profile: null, profileNote: null, error: null, boots: 0,
    ms: { resolve: 0, build: 0, boot: 0, load: 0, model: 0 }, built: { compiled: 0, cached: 0, failed: 0 }, verificationUs: 0,
  }));
  // Each kernel's records in its own list, joined in the order the kernels were given: the same
  // records in the same order whatever runs side by side.
  const perKernel: ProgramRecord[][] = kernels.map(() => []);
  const { lanes, guestsPerKernel } = planLanes({ jobs: opts.guests ?? availableParallelism(), kernels: kernels.length });
  const started: KernelRun[] = [];
  // Kernels are resolved one at a time, in the order given, even when they then run side by side:
  // a src: kernel with a patch builds incrementally from the build of the one before it (its base),
  // which two builds at once would both miss, and two builds share the same cores anyway.
  let resolving: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(f: () => Promise<T>): Promise<T> => {
    const p = resolving.then(f);
    resolving = p.catch(() => undefined);
    return p;
  };
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    for (let i = next++; i < kernels.length; i = next++) {
      if (opts.signal?.aborted) return;
      const run = kernels[i]!;
      started.push(run);
      try {
        await runKernel(deps, opts, run.spec, corpus, run, perKernel[i]!, { guests: guestsPerKernel, lanes, inTurn });
      } catch (err) {
        if (opts.signal?.aborted) return;   // not the kernel's fault: the results so far stand
        run.error = errText(err);
        emit({ kind: 'kernel', spec: run.spec, phase: 'done', message: `unusable: ${run.error.split('\n')[0]}` });
      }
    }
  }));
  const records = perKernel.flat();
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of records) counts[r.outcome]++;
  // A kernel never started (the run was interrupted first) is not reported as run.
  const ran = kernels.filter((k) => started.includes(k));
  const exitCode = ran.some((k) => k.error) ? 3 : records.every((r) => isGreen(r.outcome)) ? 0 : 1;
  const interrupted = opts.signal?.aborted ? interruptionName(opts.signal.reason) : null;
  return { startedAt: new Date(t0).toISOString(), durationMs: Date.now() - t0, kernels: ran, records, counts, exitCode, interrupted,
    ...(opts.shard ? { shard: opts.shard } : {}) };
}

function interruptionName(reason: unknown): string {
  return typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'interrupted';
}

/** `share`: this kernel's guests, how many kernels run side by side (planLanes), and the turn it resolves in. */
async function runKernel(deps: RunDeps, opts: RunOptions, spec: string, whole: Corpus, run: KernelRun, records: ProgramRecord[],
                         share: { guests: number; lanes: number; inTurn: <T>(f: () => Promise<T>) => Promise<T> }): Promise<void> {
  const emit = opts.onProgress ?? (() => undefined);
  const progress = (phase: 'resolve' | 'header' | 'build' | 'boot' | 'load') => (message: string) => emit({ kind: 'kernel', spec, phase, message });
  let t = performance.now();
  const kernel = await share.inTurn(() => deps.kernel.resolve(spec, progress('resolve'), { kernelBuild: opts.kernelBuild, tools: opts.tools }));
  run.id = kernel.id;
  if (kernel.tools) {
    run.libbpf = kernel.tools.libbpf;
    if (kernel.tools.note) run.toolsNote = kernel.tools.note;
  }
  // the model follows the kernel: each kernel's own line unless the run names one for all
  const choice = opts.profile ? { profile: getProfile(opts.profile), note: null } : profileForRelease(kernel.version);
  run.profile = choice.profile.name;
  run.profileNote = choice.note;
  if (choice.note) emit({ kind: 'note', message: `${spec}: ${choice.note}` });
  // files for other kernel lines (config kernelOnly) are not built or loaded here
  const { corpus, left } = corpusForKernel(whole, opts.kernelOnly ?? [], kernel.version);
  if (left.length) {
    emit({ kind: 'note', message: `${spec} (${kernel.version ? `Linux ${kernel.version}` : 'version unknown'}): ${left.length} files for other kernel lines left out: ${left.join(', ')}` });
  }

  // Several guests of this kernel at once (--jobs), objects shared out from one queue; the memory
  // and the cores are shared with the kernels running beside it.
  const plan = planGuests({ requested: share.guests, cores: availableParallelism(), memoryMb: opts.memoryMb ?? 1024,
    availableMb: freemem() / 2 ** 20 / share.lanes, objects: corpus.sources.length + corpus.objects.length });
  if (plan.note) emit({ kind: 'note', message: plan.note });
  const vcpus = vcpusPerGuest({ requested: opts.cpus ?? 1, guests: plan.count * share.lanes, cores: availableParallelism() });
  if (vcpus.note) emit({ kind: 'note', message: vcpus.note });
  const pools = Array.from({ length: plan.count }, (_, w) => new GuestPool(deps.kernel, kernel, (n) => ({
    memoryMb: opts.memoryMb ?? 1024, cpus: vcpus.cpus,
    bootTimeoutMs: (opts.bootTimeoutSec ?? 180) * 1000, requestTimeoutMs: (opts.loadTimeoutSec ?? 120) * 1000,
    consoleLog: opts.consoleDir ? join(opts.consoleDir, `${kernel.id}-console-${plan.count > 1 ? `g${w + 1}-` : ''}${n}.log`) : undefined,
    onProgress: progress('boot'),
  }), (message) => emit({ kind: 'vm', spec, message: plan.count > 1 ? `guest ${w + 1}: ${message}` : message }), opts.signal));
  // Boot while the host builds: the first load waits for it (and gets its error, if any).
  if (corpus.sources.length || corpus.objects.length) for (const p of pools) p.prestart();

  try {
    // Build against this kernel's own vmlinux.h.
    let built: BuildOutcome[] = [];
    if (corpus.sources.length) {
      const header = await deps.kernel.vmlinuxHeader(kernel, progress('header'), opts.signal);
      run.ms.resolve = performance.now() - t;
      t = performance.now();
      emit({ kind: 'kernel', spec, phase: 'build', message: `building ${corpus.sources.length} files` });
      built = await buildObjects(corpus.sources, {
        // The loading libbpf's own headers (bpf_helpers.h, bpf_helper_defs.h of the kernel's line) after the user's.
        vmlinuxHeader: header, includeDirs: [...(opts.includeDirs ?? []), ...(kernel.tools?.includeDir ? [kernel.tools.includeDir] : [])], cflags: opts.cflags ?? [],
        cache: opts.cacheDir ? new ObjectCache(opts.cacheDir) : undefined,
        onProgress: (done, total, o) => emit({ kind: 'build', spec, done, total, source: display(o.source), ok: o.ok, cached: o.ok && o.cached }),
        onNote: (message) => emit({ kind: 'note', message }), signal: opts.signal,
      });
      if (opts.signal?.aborted) throw new RunInterrupted('interrupted while compiling');
      run.ms.build = performance.now() - t;
    } else run.ms.resolve = performance.now() - t;
    const objects: { object: string; source: string | null; file: string }[] = [];
    for (const b of built) {
      if (b.ok) {
        objects.push({ object: display(b.source), source: b.source, file: b.object });
        run.built[b.cached ? 'cached' : 'compiled']++;
      } else {
        run.built.failed++;
        records.push(notLoaded(spec, kernel, display(b.source), b.source, null, `does not compile: ${b.error}`));
      }
    }
    for (const o of corpus.objects) objects.push({ object: display(o), source: null, file: o });
    // the kernel's BTF, for the model's CO-RE relocations (without it they are `unsupported`)
    let targetBtf: Btf | null = null;
    if (objects.length) {
      try {
        targetBtf = await deps.kernel.kernelBtf(kernel, progress('header'), opts.signal);
      } catch (err) {
        emit({ kind: 'note', message: `${spec}: the kernel's BTF could not be read (${errText(err).split('\n')[0]}); the model answers unsupported for CO-RE relocations` });
      }
    }
    if (opts.signal?.aborted) throw new RunInterrupted('interrupted while reading the kernel BTF');

    // Records go in object order whatever order the guests finish in (as one guest would print them).
    const slots: ProgramRecord[][] = [];
    let done = 0;
    try {
      await shareOut(objects.length, pools, async (i, pool) => {
        if (opts.signal?.aborted) throw new RunInterrupted('interrupted between objects');
        const o = objects[i]!;
        slots[i] = await runObject(deps, opts, spec, kernel, choice.profile, o, pool, run, targetBtf);
        emit({ kind: 'object', spec, done: ++done, total: objects.length, object: o.object, records: slots[i]! });
      }, (pool, err, left) => {
        if (left && !opts.signal?.aborted) emit({ kind: 'vm', spec, message: `guest ${pools.indexOf(pool) + 1} is out (${errText(err).split('\n')[0]}); ${left} guest${left > 1 ? 's carry' : ' carries'} on` });
      });
    } finally {
      for (const s of slots) if (s) records.push(...s);
    }
  } finally {
    run.boots = pools.reduce((n, p) => n + p.boots, 0);
    run.release = pools.find((p) => p.release)?.release ?? null;
    run.ms.boot = pools.reduce((n, p) => n + p.bootMs, 0);
    await Promise.all(pools.map((p) => p.shutdown()));
  }
  emit({ kind: 'kernel', spec, phase: 'done' });
}

async function runObject(deps: RunDeps, opts: RunOptions, spec: string, kernel: KernelHandle, profile: Profile,
                         o: { object: string; source: string | null; file: string }, pool: GuestPool, run: KernelRun, targetBtf: Btf | null): Promise<ProgramRecord[]> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(o.file);
  } catch (err) {
    return [notLoaded(spec, kernel, o.object, o.source, o.file, `cannot read ${o.file}: ${(err as Error).message}`)];
  }
  // The guest verifies while the host runs the model: the load is sent first (it needs only the
  // program names and the declared log level), the model runs during it, then the answers are read.
  const read = readForLoad(bytes, o.object, deps.analysis);
  const names = read.names.length ? read.names : ['(object)'];
  const { answers, loadMs, work: a } = await pool.loadWhile(bytes, o.object, names, read.logLevel,
    () => analyzeRead(read, deps.analysis, { profile, trace: opts.trace ?? false, targetBtf }));
  run.ms.model += a.modelMs;
  run.ms.load += loadMs;
  for (const ans of answers) if (ans.kind === 'result') run.verificationUs += ans.result.stats?.verificationUs ?? 0;
  // The declarations that hold for this kernel: the version its spec resolved to (Debian's
  // upstream version, a bzImage's own version string), else the guest's uname -r (Debian's 6.1
  // images say 6.1.0-N there, not the patch level).
  return joinAnswers(deps, spec, kernel, profile, o, a, answers, kernel.version ?? pool.release ?? null, opts.profileGaps ?? []);
}

/** Programs known to the host reader and programs the guest answered for, matched by name. */
function joinAnswers(deps: RunDeps, spec: string, kernel: KernelHandle, profile: Profile, o: { object: string; source: string | null; file: string },
              a: ObjectAnalysis, answers: LoadAnswer[], release: string | null, gaps: readonly { range: string; reason: string }[]): ProgramRecord[] {
  const whole = answers.find((x) => x.program === '(object)');
  const byName = new Map(answers.map((x) => [x.program, x]));
  const names = [...a.programs.map((p) => p.name), ...answers.map((x) => x.program).filter((n) => n !== '(object)' && !a.programs.some((p) => p.name === n))];
  if (!names.length) names.push('(object)');
  const out: ProgramRecord[] = [];
  for (const name of names) {
    const info = a.programs.find((p) => p.name === name);
    const expectation = info?.expectationFor(release) ?? parseExpectation([]);
    if (expectation.auxiliary) continue;  // not a test of its own (test_loader skips these too)
    const ans = byName.get(name) ?? whole;
    let kernelSide: KernelSide;
    let kernelClass = null;
    if (!ans) kernelSide = { kind: 'not-loaded', error: 'the guest returned no result for this program' };
    else if (ans.kind === 'failure') kernelSide = { kind: ans.failure.kind, error: ans.failure.error, consoleTail: ans.failure.consoleTail };
    else if (ans.kind === 'error') kernelSide = { kind: 'not-loaded', error: ans.error };
    else {
      const result: KernelResult = { ...ans.result, program: name, object: o.object };
      kernelClass = deps.analysis.classify(result, profile);
      kernelSide = { kind: 'result', result, class: kernelClass };
    }
    const model = info?.model ?? (a.readError
      ? { object: o.object, program: name, section: '', verdict: 'error' as const, rule: null, insn: null, message: `cannot read the object: ${a.readError}`, ms: 0, stateAt: null }
      : null);
    const comparison = withProfileGap(compare({ kernel: kernelSide, model, expectation }), model, gaps, release);
    const section = info?.section ?? (ans?.kind === 'result' ? ans.result.section : null);
    const insns: ProgramRecord['insns'] = [];
    if (info && !isGreen(comparison.outcome)) {
      const k = kernelClass?.insn ?? null;
      const m = model?.insn ?? null;
      for (const [who, idx] of [[k === m ? 'both' : 'kernel', k], ['model', k === m ? null : m]] as const) {
        const v = idx === null ? null : info.insnAt(idx);
        if (v) insns.push({ who, ...v });
      }
    }
    out.push({ kernel: spec, kernelId: kernel.id, profile: profile.name, object: o.object, source: o.source, objectFile: o.file, program: name, section,
      outcome: comparison.outcome, expectation, kernelSide, kernelClass, model, comparison, insns });
  }
  return out;
}

/** A profile gap the configuration declares for this kernel's range turns that unsupported answer into `declared`. */
function withProfileGap(c: Comparison, model: ModelSide | null, gaps: readonly { range: string; reason: string }[], release: string | null): Comparison {
  if (c.outcome !== 'unsupported' || model?.rule !== UNSUPPORTED.profile.id || !release) return c;
  const version = releaseVersion(release);
  const gap = version ? gaps.find((g) => inKernelRange(parseKernelRange(g.range), version)) : undefined;
  return gap ? { ...c, outcome: 'declared', reasons: [...c.reasons, `declared in the configuration (profileGaps "${gap.range}"): ${gap.reason}`] } : c;
}

function notLoaded(spec: string, kernel: KernelHandle, object: string, source: string | null, file: string | null, error: string): ProgramRecord {
  const kernelSide: KernelSide = { kind: 'not-loaded', error };
  const expectation = parseExpectation([]);
  const comparison = compare({ kernel: kernelSide, model: null, expectation });
  return { kernel: spec, kernelId: kernel.id, profile: null, object, source, objectFile: file, program: null, section: null,
    outcome: comparison.outcome, expectation, kernelSide, kernelClass: null, model: null, comparison, insns: [] };
}
