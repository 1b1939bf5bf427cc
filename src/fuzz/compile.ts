// Many generated programs -> one BPF object (one clang for all of them). A program whose C does
// not compile must not cost the others: clang's error lines are pinned on the programs whose
// function they fall in and those are left out; when an error cannot be pinned (it is in a shared
// declaration, or the object still fails), the programs are split in halves and each half tried,
// down to single programs. The object that is returned holds every program that compiles.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clangErrorSummary, clangSystemIncludes, compileArgs, compileWithDeps } from '../build/clang.js';
import type { FuzzBatch, FuzzProgram } from './types.js';

/** The renderer (render.ts): the batch's declarations and these programs (default: all) as one C file. */
export type RenderObject = (batch: FuzzBatch, programs?: FuzzProgram[]) => string;

export interface CompileSettings {
  render: RenderObject;
  /** Scratch directory for the C files and objects. */
  dir: string;
  /** -I directories: the kernel's vmlinux.h, bpf_verdict.h, the loading libbpf's headers. */
  includeDirs: string[];
  /** A precompiled vmlinux.h + bpf_verdict.h (target.ts), or null. */
  pch?: string | null;
  signal?: AbortSignal;
}

export interface CompiledObject {
  /** Null when no program compiled. */
  object: { file: string; source: string; bytes: Uint8Array } | null;
  programs: FuzzProgram[];
  failed: { program: FuzzProgram; error: string }[];
  /** clang runs it took (1 when everything compiled). */
  clangRuns: number;
}

let serial = 0;

export async function compilePrograms(batch: FuzzBatch, programs: FuzzProgram[], s: CompileSettings): Promise<CompiledObject> {
  mkdirSync(s.dir, { recursive: true });
  const sys = await clangSystemIncludes();
  let clangRuns = 0;
  const tryCompile = async (set: FuzzProgram[]): Promise<{ ok: true; file: string; source: string } | { ok: false; stderr: string; text: string }> => {
    const base = join(s.dir, `fuzz-${process.pid}-${++serial}`);
    const text = s.render(batch, set);
    writeFileSync(`${base}.c`, text);
    clangRuns++;
    const r = await compileWithDeps(compileArgs(`${base}.c`, `${base}.o`, s.includeDirs, s.pch ? ['-include-pch', s.pch] : [], sys), `${base}.o`, s.signal);
    return r.ok ? { ok: true, file: `${base}.o`, source: `${base}.c` } : { ok: false, stderr: r.stderr, text };
  };
  const failed: CompiledObject['failed'] = [];
  // Each program's C compiles or not on its own merits; find the ones that do not.
  const settle = async (set: FuzzProgram[]): Promise<FuzzProgram[]> => {
    if (!set.length || s.signal?.aborted) return [];
    const r = await tryCompile(set);
    if (r.ok) return set;
    if (set.length === 1) {
      failed.push({ program: set[0]!, error: clangErrorSummary(r.stderr) || 'clang failed without a message' });
      return [];
    }
    const blamed = blame(r.text, r.stderr, set);
    if (blamed.length && blamed.length < set.length) {
      for (const p of blamed) failed.push({ program: p, error: errorsIn(r.text, r.stderr, p, set) });
      return settle(set.filter((p) => !blamed.includes(p)));
    }
    return halves(set);
  };
  const halves = async (set: FuzzProgram[]): Promise<FuzzProgram[]> => {
    const half = Math.ceil(set.length / 2);
    return [...await settle(set.slice(0, half)), ...await settle(set.slice(half))];
  };
  const first = await tryCompile(programs);
  let good: FuzzProgram[] = [];
  let out: { file: string; source: string } | null = null;
  if (first.ok) { good = programs; out = first; } else {
    const blamed = blame(first.text, first.stderr, programs);
    for (const p of blamed) failed.push({ program: p, error: errorsIn(first.text, first.stderr, p, programs) });
    const rest = programs.filter((p) => !blamed.includes(p));
    // the usual case: the errors were pinned, and the rest compiles as it is
    const again = blamed.length && rest.length ? await tryCompile(rest) : null;
    if (again?.ok) { good = rest; out = again; } else {
      if (programs.length === 1 && !blamed.length) failed.push({ program: programs[0]!, error: clangErrorSummary(first.stderr) || 'clang failed without a message' });
      good = programs.length === 1 ? [] : await halves(rest);
      if (good.length) {
        const whole = await tryCompile(good);
        if (whole.ok) out = whole;
        else for (const p of good) failed.push({ program: p, error: clangErrorSummary(whole.stderr) }); // compiles alone, not together: say so per program
      }
    }
  }
  if (!out) return { object: null, programs: [], failed, clangRuns };
  return { object: { ...out, bytes: new Uint8Array(readFileSync(out.file)) }, programs: good.filter((p) => !failed.some((f) => f.program === p)), failed, clangRuns };
}

/** 1-based line ranges of each program's function in the rendered text (from its definition to the next one's). */
export function functionSpans(text: string, set: FuzzProgram[]): Map<FuzzProgram, [number, number]> {
  const lines = text.split('\n');
  const starts = set.map((p) => {
    const re = new RegExp(`^[A-Za-z_].*\\b${p.name}\\s*\\(`);
    const i = lines.findIndex((l) => re.test(l));
    return { p, line: i < 0 ? -1 : i + 1 };
  }).filter((x) => x.line > 0).sort((a, b) => a.line - b.line);
  const spans = new Map<FuzzProgram, [number, number]>();
  starts.forEach((x, i) => {
    // the SEC() line and the tags above the definition belong to it too: start after the previous function's end
    spans.set(x.p, [x.line, (starts[i + 1]?.line ?? lines.length + 1) - 1]);
  });
  return spans;
}

/** Lines clang reports an error at in the main file. */
function errorLines(stderr: string): number[] {
  return [...stderr.matchAll(/^[^:\n]*\.c:(\d+):\d+: (?:fatal )?error:/gm)].map((m) => Number(m[1]));
}

/** The programs whose functions hold every error line, or [] when some error lies outside all of them. */
export function blame(text: string, stderr: string, set: FuzzProgram[]): FuzzProgram[] {
  const lines = errorLines(stderr);
  if (!lines.length) return [];
  const spans = [...functionSpans(text, set)];
  const hit = new Set<FuzzProgram>();
  for (const l of lines) {
    const owner = spans.find(([, [a, b]]) => l >= a && l <= b);
    if (!owner) return [];
    hit.add(owner[0]);
  }
  return [...hit];
}

function errorsIn(text: string, stderr: string, p: FuzzProgram, set: FuzzProgram[]): string {
  const span = functionSpans(text, set).get(p);
  const mine = stderr.split('\n').filter((l) => {
    const m = /^[^:\n]*\.c:(\d+):\d+: (?:fatal )?error:/.exec(l);
    return m && span && Number(m[1]) >= span[0] && Number(m[1]) <= span[1];
  });
  return mine.join('\n') || clangErrorSummary(stderr);
}
