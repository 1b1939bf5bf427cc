// One kernel of a campaign: resolved once, its vmlinux.h and BTF read once, one guest booted for
// the whole campaign (GuestPool: a guest that crashes or hangs is replaced, the object retried one
// program at a time to find the culprit). Compile and load are separate steps so the campaign can
// compile the next object while this guest loads the current one.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { clangErrorSummary, clangSystemIncludes, compileArgs, compileWithDeps } from '../build/clang.js';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeObject } from '../run/analyze.js';
import type { RunDeps } from '../run/runner.js';
import type { KernelHandle } from '../run/backend.js';
import { GuestPool } from '../run/session.js';
import type { KernelSide } from '../compare/types.js';
import type { Btf } from '../btf/types.js';
import { getProfile, profileForRelease, type Profile } from '../profiles/index.js';
import { errText } from '../run/describe.js';
import { compilePrograms, type CompiledObject, type RenderObject } from './compile.js';
import { notCompiled, observe, type Observation } from './observe.js';
import type { FuzzBatch, FuzzProgram } from './types.js';

/** programs/include (bpf_verdict.h), next to this package's dist/. */
export const CORPUS_INCLUDE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'programs', 'include');

export interface TargetOptions {
  spec: string;
  /** A profile name for every kernel, or null: each kernel's own line. */
  profile?: string | null;
  memoryMb: number; cpus: number; bootTimeoutSec: number; loadTimeoutSec: number;
  tools?: string;
  kernelBuild?: { fragments?: string[]; jobs?: number };
  /** Scratch directory (C files, objects, console logs). */
  dir: string;
  /** Extra -I directories (the corpus headers, programs/include, are always there). */
  includeDirs?: string[];
  render: RenderObject;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface Target {
  spec: string;
  kernel: KernelHandle;
  profile: Profile;
  profileNote: string | null;
  pool: GuestPool;
  btf: Btf | null;
  includeDirs: string[];
  compile(batch: FuzzBatch, programs: FuzzProgram[]): Promise<CompiledObject>;
  /** Load a compiled object in the guest and in the model: one observation per program (compile errors included). */
  load(compiled: CompiledObject): Promise<Observation[]>;
  /** Compile and load. */
  check(batch: FuzzBatch, programs: FuzzProgram[]): Promise<Observation[]>;
  shutdown(): Promise<void>;
  /** Milliseconds spent so far: clang (compile), the guest (load), the model (model). */
  readonly ms: { compile: number; load: number; model: number; verify: number };
  /** The guest's uname -r, once booted. */
  release(): string | null;
  boots(): number;
}

export async function openTarget(deps: RunDeps, o: TargetOptions): Promise<Target> {
  const note = o.onProgress ?? (() => undefined);
  const kernel = await deps.kernel.resolve(o.spec, note, { kernelBuild: o.kernelBuild, tools: o.tools });
  const choice = o.profile ? { profile: getProfile(o.profile), note: null } : profileForRelease(kernel.version);
  const dir = join(o.dir, kernel.id);
  mkdirSync(dir, { recursive: true });
  const pool = new GuestPool(deps.kernel, kernel, (n) => ({
    memoryMb: o.memoryMb, cpus: o.cpus, bootTimeoutMs: o.bootTimeoutSec * 1000, requestTimeoutMs: o.loadTimeoutSec * 1000,
    consoleLog: join(dir, `console-${n}.log`), onProgress: note,
  }), note, o.signal);
  pool.prestart();   // boots while the header is read and the first object compiles
  try {
    const header = await deps.kernel.vmlinuxHeader(kernel, note, o.signal);
    let btf: Btf | null = null;
    try {
      btf = await deps.kernel.kernelBtf(kernel, note, o.signal);
    } catch (err) {
      note(`${o.spec}: the kernel's BTF could not be read (${errText(err).split('\n')[0]}); the model answers unsupported for CO-RE relocations`);
    }
    const includeDirs = [headerDir(header, dir), ...(o.includeDirs ?? []), CORPUS_INCLUDE, ...(kernel.tools?.includeDir ? [kernel.tools.includeDir] : [])];
    const ms = { compile: 0, load: 0, model: 0, verify: 0 };
    const pch = await precompiledPrelude(dir, includeDirs, note, o.signal);
    const compile = async (batch: FuzzBatch, programs: FuzzProgram[]): Promise<CompiledObject> => {
      const t0 = performance.now();
      try {
        return await compilePrograms(batch, programs, { render: o.render, dir, includeDirs, pch, signal: o.signal });
      } finally {
        ms.compile += performance.now() - t0;
      }
    };
    const load = async (c: CompiledObject): Promise<Observation[]> => {
      const out = c.failed.map((f) => notCompiled(f.program.name, f.error));
      if (!c.object) return out;
      const names = c.programs.map((p) => p.name);
      // the guest verifies while the host models: both at once
      const { answers, loadMs, work: a } = await pool.loadWhile(c.object.bytes, basename(c.object.source), names, undefined, () => {
        const t1 = performance.now();
        const analysis = analyzeObject(c.object!.bytes, c.object!.source, deps.analysis, { profile: choice.profile, trace: false, targetBtf: btf });
        ms.model += performance.now() - t1;
        return analysis;
      });
      ms.load += loadMs;
      for (const x of answers) if (x.kind === 'result') ms.verify += (x.result.stats?.verificationUs ?? 0) / 1000;
      for (const name of names) {
        const ans = answers.find((x) => x.program === name);
        const info = a.programs.find((p) => p.name === name);
        let side: KernelSide;
        if (!ans) side = { kind: 'not-loaded', error: 'the guest returned no result for this program' };
        else if (ans.kind === 'failure') side = { kind: ans.failure.kind, error: ans.failure.error, consoleTail: ans.failure.consoleTail };
        else if (ans.kind === 'error') side = { kind: 'not-loaded', error: ans.error };
        else side = { kind: 'result', result: ans.result, class: deps.analysis.classify(ans.result, choice.profile) };
        const model = info?.model ?? (a.readError ? { object: c.object.source, program: name, section: '', verdict: 'error' as const, rule: null, insn: null, message: a.readError, ms: 0 } : null);
        out.push(observe(name, side, model));
      }
      return out;
    };
    return {
      spec: o.spec, kernel, profile: choice.profile, profileNote: choice.note, pool, btf, includeDirs, compile, load, ms,
      check: async (batch, programs) => load(await compile(batch, programs)),
      shutdown: () => pool.shutdown(),
      release: () => pool.release,
      boots: () => pool.boots,
    };
  } catch (err) {
    await pool.shutdown();
    throw err;
  }
}

/**
 * vmlinux.h and bpf_verdict.h as a precompiled header: parsing the kernel's vmlinux.h is most of
 * clang's time on an object of generated programs, and every object of the campaign includes the
 * same two. The code is the same with or without it (only the order of forward declarations in
 * the object's BTF differs). Null (and said) when clang cannot build it: objects then compile without.
 */
async function precompiledPrelude(dir: string, includeDirs: string[], note: (m: string) => void, signal?: AbortSignal): Promise<string | null> {
  const prelude = join(dir, 'prelude.h');
  writeFileSync(prelude, '#include "vmlinux.h"\n#include "bpf_verdict.h"\n');
  const out = join(dir, 'prelude.pch');
  const args = compileArgs(prelude, out, includeDirs, [], await clangSystemIncludes());
  const r = await compileWithDeps(['-x', 'c-header', ...args], out, signal);
  if (r.ok) return out;
  note(`the precompiled header could not be built (${clangErrorSummary(r.stderr).split('\n')[0]}); compiling without it`);
  return null;
}

/** The directory to pass with -I so that `#include "vmlinux.h"` finds this kernel's header. */
function headerDir(header: string, scratch: string): string {
  if (basename(header) === 'vmlinux.h') return dirname(header);
  const dir = join(scratch, 'include');
  if (!existsSync(join(dir, 'vmlinux.h'))) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(header, join(dir, 'vmlinux.h'));
  }
  return dir;
}
