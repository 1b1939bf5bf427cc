// The walk (do_check + do_check_main + do_check_subprogs): depth first, fall-through first, the
// taken side of each undecided branch pushed on a stack and explored after the current path ends
// (the kernel's push_stack/pop_stack order), so the first rejection is the kernel's.
import { formatInsn } from '../../bpf/format.js';
import type { Insn } from '../../bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../object/types.js';
import type { Finding } from '../finding.js';
import type { GraphHooks } from '../hooks.js';
import { formatState } from '../print.js';
import type { Profile } from '../../profiles/index.js';
import { CORE, UNSUPPORTED } from '../../rules/index.js';
import { reject } from '../finding.js';
import { complexityLimit } from './env.js';
import { F, IdGen, T, newFrame, regPtr, regUnknown, type VerifierState } from '../state.js';
import { makeNamer, type Env, type Path } from './env.js';
import { endPath, isStateVisited } from './prune.js';
import { step } from './step.js';
import { globalArgs } from './call.js';

/** check_cfg's prune points: conditional jumps, jump targets, calls and the insn after them. */
function prunePoints(insns: Insn[]): Set<number> {
  const s = new Set<number>();
  insns.forEach((insn, i) => {
    if (insn.kind === 'jmp' || insn.kind === 'may_goto') { s.add(i); s.add(i + 1 + insn.off); }
    else if (insn.kind === 'ja') s.add(i + 1 + insn.offset);
    else if (insn.kind === 'call') { s.add(i); s.add(i + 1); }
  });
  return s;
}

export interface WalkResult { finding: Finding | null; insnProcessed: number; stateAt: string | null; trace: string[] | null }

export function makeEnv(obj: BpfObject, prog: BpfProgram, profile: Profile, hooks: GraphHooks, trace: boolean): Env {
  return {
    obj, prog, insns: prog.insns, btf: obj.btf, profile, hooks, ids: new IdGen(), names: makeNamer(obj.btf),
    prunePoints: prunePoints(prog.insns), visited: new Map(), pending: [], insnProcessed: 0,
    insnPtrType: new Map(), calledGlobals: new Set(), callbackSites: new Set(), trace: trace ? [] : null, lastState: null,
  };
}

function entryState(env: Env, subprog: number): VerifierState | string {
  const f = newFrame(0, -1, subprog);
  if (subprog === 0) f.regs[1] = regPtr(T.PTR_TO_CTX);
  else {
    const args = globalArgs(env, subprog);
    if (typeof args === 'string') return `global function ${env.prog.funcs[subprog]!.name}: ${args}`;
    args.forEach((a, i) => {
      if (a.kind === 'scalar') f.regs[i + 1] = regUnknown();
      else if (a.kind === 'ctx') f.regs[i + 1] = regPtr(T.PTR_TO_CTX);
      else f.regs[i + 1] = regPtr(T.PTR_TO_MEM | F.PTR_MAYBE_NULL, { memSize: a.size, id: env.ids.next() });
    });
  }
  return { frames: [f], refs: [], activeLock: null, activeRcuLocks: 0, activePreemptLock: 0, jmps: 0, callbackUnrollDepth: 0 };
}

/** Walk every path from one entry; the first finding stops the program (as the kernel does). */
function walkFrom(env: Env, start: Path): Finding | null {
  let path: Path | undefined = start;
  while (path) {
    const f = walkPath(env, path);
    if (f) return f;
    endPath(path.parent);
    path = env.pending.pop();
    if (path && env.trace) env.trace.push(`from ${path.insn}: ${formatState(path.state, env.names)}`);
  }
  return null;
}

/** explain: the insn line, then (kernel style, after "; ") the state tokens that changed. */
function traceStep(env: Env, idx: number, path: Path, prev: { tokens: Set<string>; graph: string[] }): void {
  const insn = env.insns[idx];
  const rel = env.prog.relocs.get(idx);
  const line = insn ? formatInsn(insn, idx, { callName: () => (rel?.kind === 'kfunc' ? rel.name : null) }) : `${idx}: ?`;
  const tokens = formatState(path.state, env.names).split(' ').filter(Boolean);
  const changed = tokens.filter((x) => !prev.tokens.has(x));
  prev.tokens = new Set(tokens);
  env.trace!.push(changed.length ? `${line.padEnd(38)}; ${changed.join(' ')}` : line);
  const graph = env.hooks.describeState?.(path.state) ?? [];
  if (graph.join('\n') !== prev.graph.join('\n')) {
    for (const g of graph) if (!prev.graph.includes(g)) env.trace!.push(`      ${g}`);
    prev.graph = graph;
  }
}

function walkPath(env: Env, path: Path): Finding | null {
  const prev = { tokens: new Set<string>(), graph: [] as string[] };
  if (env.trace) prev.tokens = new Set(formatState(path.state, env.names).split(' '));
  for (;;) {
    // The model prunes less than the kernel (no liveness or precision marks): more instructions
    // than BPF_COMPLEXITY_LIMIT_INSNS here says nothing about the kernel's own count.
    if (++env.insnProcessed > env.profile.switches.insnLimit) return complexityLimit(env, path.insn, 'instructions processed', env.insnProcessed);
    if (env.prunePoints.has(path.insn) || env.callbackSites.has(path.insn)) {
      const v = isStateVisited(env, path);
      if (v === 'prune') { env.trace?.push(`${path.insn}: safe (state subsumed by an explored one)`); return null; }
      if (v) { env.lastState = formatState(path.state, env.names); return v; }
    }
    const idx = path.insn;
    const s = step(env, path);
    if (env.trace) traceStep(env, idx, path, prev);
    if (s.kind === 'finding') {
      env.lastState = formatState(path.state, env.names);
      env.trace?.push(...(s.finding.before ?? []), s.finding.message);
      return { ...s.finding, insn: s.finding.insn < 0 ? idx : s.finding.insn };
    }
    if (s.kind === 'end') { env.trace?.push(`${idx}: path done`); return null; }
    path.insn = s.insn;
  }
}

/** do_check_main then do_check_subprogs (global functions reached by a call, verified once each). */
export function verifyProgram(env: Env): WalkResult {
  const done = (finding: Finding | null): WalkResult => ({ finding, insnProcessed: env.insnProcessed, stateAt: finding ? env.lastState : null, trace: env.trace });
  const main = entryState(env, 0);
  if (typeof main === 'string') return done({ kind: 'unsupported', rule: UNSUPPORTED.generic.id, insn: 0, message: `unsupported: ${main}` });
  const f = walkFrom(env, { state: main, insn: 0, parent: null });
  if (f) return done(f);
  const verified = new Set<number>();
  for (;;) {
    const todo = [...env.calledGlobals].filter((g) => !verified.has(g)).sort((a, b) => a - b);
    if (!todo.length) break;
    for (const g of todo) {
      verified.add(g);
      const st = entryState(env, g);
      if (typeof st === 'string') return done({ kind: 'unsupported', rule: UNSUPPORTED.generic.id, insn: env.prog.funcs[g]!.start, message: `unsupported: ${st}` });
      env.pending = [];
      env.trace?.push(`-- global function ${env.prog.funcs[g]!.name} --`);
      const gf = walkFrom(env, { state: st, insn: env.prog.funcs[g]!.start, parent: null });
      if (gf) return done(gf);
    }
  }
  return done(null);
}
