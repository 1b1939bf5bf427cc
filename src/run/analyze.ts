// Host-side analysis of one object, independent of any kernel: read it, read each program's
// declared expectation, ask the model. A malformed object or a model exception becomes data.
import { parseExpectation } from '../expect/tags.js';
import type { Expectation } from '../expect/types.js';
import type { ModelSide } from '../compare/types.js';
import type { BpfObject, BpfProgram } from '../object/types.js';
import { formatInsn } from '../bpf/format.js';
import type { AnalysisBackend } from './backend.js';
import type { Btf } from '../btf/types.js';
import type { Profile } from '../profiles/index.js';
import { displayPath, errText as describe } from './describe.js';
import { internalError } from '../model/index.js';

export interface ProgramInfo {
  name: string; section: string; model: ModelSide;
  /** The unscoped declaration (what holds on any kernel); expectationFor gives one kernel's. */
  expectation: Expectation;
  /** The declaration for a kernel release (uname -r): its __kernel scopes applied. */
  expectationFor(release: string | null): Expectation;
  /** Instruction `idx` in the verifier log's notation, with its source line when BTF has one. */
  insnAt(idx: number): InsnView | null;
}

export interface InsnView { insn: number; text: string; line: string | null }

export interface ObjectAnalysis {
  object: BpfObject | null;
  readError: string | null;
  programs: ProgramInfo[];
  /** Highest __log_level declared in the object (the guest loads an object with one level). */
  logLevel: number | undefined;
  modelMs: number;
}

/** What loading an object needs from the host, before the model: its programs and the log level they declare. */
export interface ObjectRead {
  file: string;
  object: BpfObject | null;
  readError: string | null;
  names: string[];
  /** Each program's unscoped declaration, in program order. */
  expectations: Expectation[];
  logLevel: number | undefined;
}

/** Read the object and its declarations only (cheap): enough to send it to a guest while the model runs. */
export function readForLoad(bytes: Uint8Array, file: string, a: AnalysisBackend): ObjectRead {
  let obj: BpfObject;
  try {
    obj = a.readObject(bytes, file);
  } catch (err) {
    return { file, object: null, readError: describe(err), names: [], expectations: [], logLevel: undefined };
  }
  const expectations = obj.programs.map((p) => parseExpectation(p.declTags));
  const levels = expectations.map((e) => e.logLevel).filter((l): l is number => l !== null);
  return { file, object: obj, readError: null, names: obj.programs.map((p) => p.name), expectations, logLevel: levels.length ? Math.max(...levels) : undefined };
}

export function analyzeObject(bytes: Uint8Array, file: string, a: AnalysisBackend, opts: { profile: Profile; trace: boolean; targetBtf: Btf | null }): ObjectAnalysis {
  return analyzeRead(readForLoad(bytes, file, a), a, opts);
}

/** The model's side of an object already read (readForLoad). */
export function analyzeRead(read: ObjectRead, a: AnalysisBackend, opts: { profile: Profile; trace: boolean; targetBtf: Btf | null }): ObjectAnalysis {
  const { file, object: obj } = read;
  if (!obj) return { object: null, readError: read.readError, programs: [], logLevel: undefined, modelMs: 0 };
  const t0 = performance.now();
  let models: ModelSide[] = [];
  let modelError: unknown = null;
  try {
    models = a.model(obj, opts);
  } catch (err) {
    modelError = err ?? new Error('unknown exception');
  }
  const modelMs = performance.now() - t0;
  const programs = obj.programs.map((p, i): ProgramInfo => {
    // the model catches its own exceptions per program; one escaping here is a bug all the same
    const m: ModelSide = models.find((r) => r.program === p.name)
      ?? { object: file, program: p.name, section: p.section, ms: 0,
           ...internalError(modelError ?? new Error('the model returned no result for this program')) };
    return { name: p.name, section: p.section, expectation: read.expectations[i]!, model: m,
      expectationFor: (release) => parseExpectation(p.declTags, release), insnAt: (idx) => insnView(p, idx) };
  });
  return { object: obj, readError: null, programs, logLevel: read.logLevel, modelMs };
}

function insnView(p: BpfProgram, idx: number): InsnView | null {
  const insn = p.insns[idx];
  if (!insn) return null;
  let text: string;
  try {
    text = formatInsn(insn, idx, {
      callName: (_i, at) => { const r = p.relocs.get(at); return r?.kind === 'kfunc' || r?.kind === 'subprog' ? r.name : null; },
    });
  } catch {
    return null;
  }
  const l = p.lines.get(idx);
  return { insn: idx, text, line: l ? `${displayPath(l.file)}:${l.line}: ${l.text.trim()}` : null };
}
