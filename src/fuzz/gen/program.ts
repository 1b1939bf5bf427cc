// One program from its spec: walk the op list through the shadow state, place the fault (at an op
// where it fits, else through its fallback recipe), end every path cleanly, add the prologue the
// body needs (the map value lookup, the unknown value branches read, the volatile sink).
import type { LineName } from '../../profiles/types.js';
import type { FaultKind, FuzzProgram, Stmt } from '../types.js';
import { fallback } from './faults.js';
import type { Op, OpFn, OpName } from './op.js';
import { opFront, opListAdd, opListDel, opListQuery, opRbWalk } from './ops-73.js';
import { opAdd, opFirst, opLock, opPop, opPush, opRemove, opUnlock } from './ops-graph.js';
import { opAcquire, opBag, opDrop, opGsub, opNew, opRead, opShare, opSpill, opStash, opSubKey, opSubPush, opUnstash, opWrite } from './ops-object.js';
import { finish, opFork, opLoop } from './shapes.js';
import { line, type GenCtx, ShadowState } from './state.js';

/** Everything a program is made from: the shrinker may cut `ops` and build it again. */
export interface ProgramSpec {
  fault: FaultKind | null;
  section: string;
  /** Look up the array map's value first (its roots, lock and kptr stash become usable). */
  useMap: boolean;
  ops: Op[];
}

const OPS: Record<Exclude<OpName, 'branch'>, OpFn> = {
  new: opNew, write: opWrite, read: opRead, lock: opLock, unlock: opUnlock, push: opPush, add: opAdd,
  pop: opPop, first: opFirst, remove: opRemove, acquire: opAcquire, drop: opDrop, stash: opStash,
  unstash: opUnstash, loop: opLoop, subkey: opSubKey, subpush: opSubPush, gsub: opGsub, bag: opBag, share: opShare, fork: opFork, spill: opSpill,
  front: opFront, listdel: opListDel, listadd: opListAdd, listquery: opListQuery, rbwalk: opRbWalk,
};

/**
 * Run `ops` from state `s`. A `branch` op makes `if (rnd & bit) { next few ops; exit }`: the arm
 * starts from a copy of the state and leaves the program with everything released, so the path
 * after the `if` continues from the state before it.
 */
function run(s: ShadowState, ops: Op[], depth: number): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op === 'branch') {
      if (depth >= 2) continue;
      const n = 1 + (o.a % 3);
      const arm = s.clone();
      const body = [...run(arm, ops.slice(i + 1, i + 1 + n), depth + 1), ...arm.exitPath()];
      i += n;
      s.shape('branch');
      out.push({ kind: 'if', cond: s.branchCond(), then: body, else: [] });
      continue;
    }
    const got = OPS[o.op](s, o);
    if (got !== null) out.push(...got);
  }
  return out;
}

export interface BuiltProgram { program: FuzzProgram; decls: string[] }

export function buildProgram(spec: ProgramSpec, name: string, line_: LineName, kfuncs: ReadonlySet<string>): BuiltProgram {
  const ctx: GenCtx = {
    line: line_, kfuncs, fault: spec.fault, injected: false, decls: new Set(), shapes: new Set(), next: 0,
    // a kptr of the wrong type needs the map value's __kptr field
    useMap: spec.useMap || spec.fault === 'kptr-wrong-type', usesRnd: false, bits: 0,
  };
  const s = new ShadowState(ctx);
  const body = run(s, spec.ops, 0);
  if (ctx.fault !== null && !ctx.injected) body.push(...run(s, fallback(ctx.fault), 0));
  body.push(...finish(s, spec.ops.length));
  const pro: Stmt[] = [line('volatile __u64 sink = 0;')];
  if (ctx.usesRnd) pro.push(line('__u32 rnd = bpf_get_prandom_u32();'));
  if (ctx.useMap) {
    ctx.decls.add('map:fz_map');
    pro.push(line('__u32 zero = 0;'), line('struct fz_mval *mv = bpf_map_lookup_elem(&fz_map, &zero);'),
      { kind: 'if', cond: '!mv', then: [line('return 0;')], else: [] });
  }
  const roots = [...ctx.decls].filter((k) => k.startsWith('group:') || k.startsWith('map:')).length;
  if (roots >= 2) ctx.shapes.add('several-roots');
  if (ctx.shapes.has('shared-in-list') && ctx.shapes.has('shared-in-tree')) ctx.shapes.add('refcounted-both');
  ctx.shapes.delete('shared-in-list');
  ctx.shapes.delete('shared-in-tree');
  const program: FuzzProgram = {
    name, line: line_, fault: ctx.injected ? ctx.fault : null, shapes: [...ctx.shapes].sort(), section: spec.section,
    decls: [...ctx.decls].sort(), body: [...pro, ...body],
  };
  return { program, decls: program.decls };
}
