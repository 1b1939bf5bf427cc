// Helper calls (check_helper_call): the helper table (../helpers.ts), graph helpers through the
// hooks, argument checks (check_func_arg / check_reg_type / check_helper_mem_access), R0 by the
// return kind, callbacks of bpf_loop (push_callback_call + set_loop_callback_state).
import type { BpfMap as BpfMapLike } from '../../object/types.js';
import { regArg, reject, unsupported, type Finding } from '../finding.js';
import { BPF_MAP_TYPE, helperById, helperName, PLAIN_MAP_TYPES, type ArgKind } from '../helpers.js';
import { regTypeStr } from '../print.js';
import { CORE, UNSUPPORTED, type RuleBook } from '../../rules/index.js';
import { F, MAX_BPF_STACK, T, acquireReference, curFrame, markNotInit, regNotInit, regPtr, regUnknown, releaseReference, slotIndex, type RegState } from '../state.js';
import { tnumIsConst } from '../tnum.js';
import { next, stop, type Env, type Path, type Step } from './env.js';
import { regionAccess, scrubSpill, slotOf } from './mem.js';
import { checkRead } from './operands.js';
import { hookCtxAt, pushCallbackFrame } from './callbacks.js';
import { gplCompatible } from '../licence.js';

const MEM_TYPES = [T.PTR_TO_STACK, T.PTR_TO_PACKET, T.PTR_TO_PACKET_META, T.PTR_TO_MAP_KEY, T.PTR_TO_MAP_VALUE, T.PTR_TO_MEM, T.PTR_TO_MEM | F.MEM_RINGBUF, T.PTR_TO_BUF, T.PTR_TO_BTF_ID | F.PTR_TRUSTED];
const MEM_EXPECTED = MEM_TYPES.map(regTypeStr).join(', ');
export function helperCall(env: Env, path: Path, id: number, idx: number): Step {
  const name = helperName(id);
  if (!name) {
    // a call libbpf put in place of an unresolvable CO-RE access: libbpf rewrites the kernel's line in the log
    const rel = env.prog.relocs.get(idx);
    if (rel?.kind === 'core' && rel.poisoned) return stop(reject(env.profile.rules, CORE.coreReloFailed, idx, rel.poisoned));
    return stop(reject(env.profile.rules, CORE.invalidFunc, idx, 'unknown', id));
  }
  const ctx = hookCtxAt(env, path, idx);
  const bc = env.hooks.beforeCall(ctx, { kind: 'helper', id, name });
  if (bc) return stop(bc);
  const g = env.hooks.graphHelper(ctx, id, name);
  if (g.kind === 'finding') return stop(g.finding);
  if (g.kind === 'done') return next(idx + 1);
  const spec = helperById(id);
  if (!spec) return stop(unsupported(`helper ${name}#${id}`, idx, UNSUPPORTED.helper));
  if (spec.progTypes !== 'base' && !spec.progTypes.includes(env.prog.progType)) {
    return stop(unsupported(`helper ${name}#${id} in a ${env.prog.progType} program`, idx, UNSUPPORTED.helper));
  }
  if (spec.gplOnly && !gplCompatible(env.obj)) return stop(reject(env.profile.rules, CORE.helperGplOnly, idx));
  const regs = curFrame(path.state).regs;
  let map: BpfMapLike | null = null;
  for (let i = 0; i < spec.args.length; i++) {
    const regno = i + 1;
    const e = checkRead(env, path.state, regno, idx); if (e) return e;
    const f = checkArg(env, path, idx, name, regno, spec.args[i]!, regs, map, (m) => { map = m; }, spec.mapTypes, spec.args[i + 1], id === BPF_FUNC_map_lookup_elem);
    if (f) return stop(f);
  }
  if (spec.callback === 'loop') loopCallback(env, path, idx);
  const releaseIdx = spec.args.indexOf('ringbuf_mem_release');
  if (releaseIdx >= 0 && !releaseReference(path.state, regs[releaseIdx + 1]!.refObjId, env.profile.switches)) {
    return stop(unsupported(`helper ${name}#${id}: release of a reference not held here`, idx, UNSUPPORTED.helper));
  }
  const allocSize = spec.args.indexOf('alloc_size_const');
  const memSize = allocSize >= 0 ? Number(regs[allocSize + 1]!.varOff.value) : 0;
  const lookupNotNull = id === BPF_FUNC_map_lookup_elem && env.profile.switches.constKeyArrayLookup && constKeyInBounds(env, path, regs[2]!, map);
  for (let r = 1; r <= 5; r++) markNotInit(regs[r]!);
  switch (spec.ret) {
    case 'integer': regs[0] = regUnknown(); break;
    case 'void': regs[0] = regNotInit(); break;
    case 'map_value_or_null': {
      // 7.x refine_map_lookup_value: an outer map-in-map lookup is the inner map (maybe NULL) at
      // once; 6.12 types it a map value until its NULL check
      const outer = map as BpfMapLike | null; // set by checkArg's callback
      if (env.profile.switches.innerMapAtLookup && outer?.innerMap) {
        const r = regPtr(T.CONST_PTR_TO_MAP | F.PTR_MAYBE_NULL, { map: outer.innerMap });
        r.id = env.ids.next();
        regs[0] = r;
        break;
      }
      const r = regPtr(T.PTR_TO_MAP_VALUE | (lookupNotNull ? 0 : F.PTR_MAYBE_NULL), { map });
      // a non-NULL value still gets an id when it holds a lock (the lock is identified by it)
      if (!lookupNotNull || env.hooks.mayPointToSpinLock?.(r, hookCtxAt(env, path, idx))) r.id = env.ids.next();
      regs[0] = r;
      break;
    }
    case 'ringbuf_mem_or_null': {
      const r = regPtr(T.PTR_TO_MEM | F.MEM_RINGBUF | F.PTR_MAYBE_NULL, { memSize });
      r.id = env.ids.next(); // type_may_be_null -> ++id_gen, then the reference replaces it
      regs[0] = r;
      break;
    }
  }
  if (spec.acquire) {
    const id = acquireReference(path.state, env.ids, idx);
    regs[0]!.id = id;
    regs[0]!.refObjId = id;
  }
  return next(idx + 1);
}

/** can_elide_value_nullness + get_constant_map_key: an in-bounds constant key of a plain array. */
function constKeyInBounds(env: Env, path: Path, key: RegState, map: BpfMapLike | null): boolean {
  if (!map || map.mapType === null || map.keySize === null || map.maxEntries === null) return false;
  if (map.mapType !== BPF_MAP_TYPE.ARRAY && map.mapType !== BPF_MAP_TYPE.PERCPU_ARRAY) return false;
  if (env.obj.maps.some((m) => m.innerMap === map)) return false; // BPF_F_INNER_MAP
  if (key.type !== T.PTR_TO_STACK || !tnumIsConst(key.varOff)) return false;
  const frame = path.state.frames.find((f) => f.frameno === key.frameno);
  const stackOff = key.off + Number(BigInt.asIntN(64, key.varOff.value));
  const slot = frame?.stack[slotIndex(stackOff)];
  if (!slot) return false;
  const at = (-stackOff - 1) % 8;
  let zero = 0;
  for (let i = at; i >= 0 && slot.bytes[i] === 'zero'; i--) zero++;
  let value: bigint;
  if (zero >= map.keySize) value = 0n;
  else {
    if (slot.bytes[7] !== 'spill' || slot.spilled?.type !== T.SCALAR_VALUE) return false;
    let spill = 0;
    for (let i = at; i >= 0 && slot.bytes[i] === 'spill'; i--) spill++;
    if (spill !== map.keySize || !tnumIsConst(slot.spilled.varOff)) return false;
    value = slot.spilled.varOff.value;
  }
  return value < BigInt(map.maxEntries);
}

/** BPF_FUNC_loop: queue the callback while callback_depth < nr_loops (set_loop_callback_state). */
function loopCallback(env: Env, path: Path, idx: number): void {
  const caller = curFrame(path.state);
  const fn = caller.regs[2]!;
  if (BigInt(caller.callbackDepth) < caller.regs[1]!.umax) {
    pushCallbackFrame(env, path, idx, {
      subprog: fn.subprog, callbackOf: 'bpf_loop', retRange: [0n, 1n],
      setup(callee, cloneCaller) {
        callee.regs[1] = regUnknown();
        callee.regs[2] = { ...cloneCaller.regs[3]! };
        cloneCaller.callbackDepth++;
      },
    });
  }
  caller.callbackDepth = 0;
}

/** ARRAY_OF_MAPS, HASH_OF_MAPS: programs may only look them up (check_map_func_compatibility). */
const MAP_IN_MAP_TYPES = new Set<number>([BPF_MAP_TYPE.ARRAY_OF_MAPS, BPF_MAP_TYPE.HASH_OF_MAPS]);
const BPF_FUNC_map_lookup_elem = 1;

function typeMismatch(rules: RuleBook, idx: number, regno: number, reg: RegState, expected: string): Finding {
  return reject(rules, CORE.argType, idx, regArg(regno), regTypeStr(reg.type), expected);
}

function checkArg(env: Env, path: Path, idx: number, fn: string, regno: number, kind: ArgKind, regs: RegState[], map: BpfMapLike | null,
  setMap: (m: BpfMapLike) => void, mapTypes: number[] | undefined, nextKind: ArgKind | undefined, mapInMap: boolean): Finding | null {
  const reg = regs[regno]!;
  switch (kind) {
    case 'anything': return null;
    case 'const_map_ptr':
      if (reg.type !== T.CONST_PTR_TO_MAP) return typeMismatch(env.profile.rules, idx, regno, reg, 'map_ptr');
      if (mapTypes) {
        if (reg.map!.kind !== 'map' || !mapTypes.includes(reg.map!.mapType ?? -1)) {
          return unsupported(`helper on map type ${reg.map!.mapType ?? 'datasec'} (${reg.map!.name})`, idx, UNSUPPORTED.mapType);
        }
      } else if (reg.map!.kind === 'map' && !PLAIN_MAP_TYPES.has(reg.map!.mapType ?? -1) && !(mapInMap && MAP_IN_MAP_TYPES.has(reg.map!.mapType ?? -1) && reg.map!.innerMap)) {
        return unsupported(`helper on map type ${reg.map!.mapType} (${reg.map!.name})`, idx, UNSUPPORTED.mapType);
      }
      // libbpf refuses an inner map whose value type has no size (a forward declaration)
      if (mapInMap && reg.map!.innerMap && (reg.map!.innerMap.valueSize === null || reg.map!.innerMap.keySize === null)) {
        return unsupported(`map-in-map ${reg.map!.name}: inner map without key/value size`, idx, UNSUPPORTED.mapType);
      }
      setMap(reg.map!);
      return null;
    case 'map_key': case 'map_value': {
      if (!MEM_TYPES.includes(reg.type)) return typeMismatch(env.profile.rules, idx, regno, reg, MEM_EXPECTED);
      const m = map!;
      const size = (kind === 'map_key' ? m.keySize : m.valueSize) ?? 0;
      return helperMem(env, path, idx, regno, reg, size, false);
    }
    case 'mem_rdonly': case 'uninit_mem': {
      const ok = MEM_TYPES.includes(reg.type) || (kind === 'mem_rdonly' && MEM_TYPES.includes(reg.type & ~F.MEM_RDONLY));
      if (!ok) return typeMismatch(env.profile.rules, idx, regno, reg, MEM_EXPECTED);
      const sz = regs[regno + 1]!;
      const e = checkRead(env, path.state, regno + 1, idx); if (e && e.kind === 'finding') return e.finding;
      if (sz.type !== T.SCALAR_VALUE) return typeMismatch(env.profile.rules, idx, regno + 1, sz, 'scalar');
      if (sz.smin < 0n) return reject(env.profile.rules, CORE.sizeNegative, idx, regArg(regno + 1));
      if (sz.umin === 0n && nextKind !== 'const_size_or_zero') return reject(env.profile.rules, CORE.zeroSized, idx, regArg(regno + 1), sz.umin, sz.umax);
      if (sz.umax >= 1n << 29n) return reject(env.profile.rules, CORE.sizeUnbounded, idx, regArg(regno + 1));
      if (sz.umax === 0n) return null;
      return helperMem(env, path, idx, regno, reg, Number(sz.umax), kind === 'uninit_mem');
    }
    case 'const_size': case 'const_size_or_zero':
      return null; // checked with the memory argument before it
    case 'alloc_size_const':
      if (reg.type !== T.SCALAR_VALUE) return typeMismatch(env.profile.rules, idx, regno, reg, 'scalar');
      if (!tnumIsConst(reg.varOff)) return reject(env.profile.rules, CORE.notKnownConstant, idx, regArg(regno));
      return null;
    case 'ringbuf_mem_release':
      if (reg.type !== (T.PTR_TO_MEM | F.MEM_RINGBUF)) return typeMismatch(env.profile.rules, idx, regno, reg, 'ringbuf_mem');
      if (reg.off) return reject(env.profile.rules, 'kfunc.arg.release_off', idx, regArg(regno));
      if (!reg.refObjId) return reject(env.profile.rules, 'graph.kptr.src_not_referenced', idx, regArg(regno), fn);
      return null;
    case 'func':
      if (reg.type !== T.PTR_TO_FUNC) return typeMismatch(env.profile.rules, idx, regno, reg, 'func');
      return null;
    case 'stack_or_null':
      if (reg.type === T.SCALAR_VALUE && tnumIsConst(reg.varOff) && reg.varOff.value === 0n) return null;
      if (reg.type !== T.PTR_TO_STACK) return typeMismatch(env.profile.rules, idx, regno, reg, 'fp');
      return null;
  }
}

/** check_helper_mem_access: `size` bytes at reg must be accessible (and are written when `write`). */
export function helperMem(env: Env, path: Path, idx: number, regno: number, reg: RegState, size: number, write: boolean): Finding | null {
  switch (reg.type) {
    case T.PTR_TO_STACK: {
      if (!tnumIsConst(reg.varOff)) return unsupported('variable-offset stack pointer passed to a helper', idx);
      const off = reg.off + Number(BigInt.asIntN(64, reg.varOff.value));
      if (off < -MAX_BPF_STACK || off + size > 0 || size <= 0) {
        // lines without the "indirect access" form report the helper's access as the read or write it is
        const rule = env.profile.rules.has(CORE.indirectStack) ? CORE.indirectStack : write ? CORE.stackInvalidOff : CORE.stackInvalidReadOff;
        return reject(env.profile.rules, rule, idx, regArg(regno), reg.off, size);
      }
      const f = path.state.frames.find((x) => x.frameno === reg.frameno)!;
      if (write) {
        for (let b = off; b < off + size; b++) {
          const slot = slotOf(f, slotIndex(b));
          scrubSpill(slot);
          slot.bytes[(-b - 1) % 8] = 'misc';
        }
      }
      return null;
    }
    case T.PTR_TO_MAP_VALUE: case T.PTR_TO_MAP_VALUE | F.MEM_RDONLY:
      if (write && reg.map!.kind === 'datasec' && reg.map!.section.startsWith('.rodata')) {
        return reject(env.profile.rules, CORE.mapWriteRdonly, idx, reg.map!.valueSize ?? 0, reg.off, size);
      }
      return regionAccess(env.profile.rules, idx, regno, reg, reg.off, size, reg.map!.valueSize ?? 0)
        ?? env.hooks.mapValueHelperAccess?.(hookCtxAt(env, path, idx), reg, size) ?? null;
    case T.PTR_TO_MEM: case T.PTR_TO_MEM | F.MEM_RDONLY: case T.PTR_TO_MEM | F.MEM_RINGBUF:
      return regionAccess(env.profile.rules, idx, regno, reg, reg.off, size, reg.memSize);
    default:
      return unsupported(`helper memory argument of type ${regTypeStr(reg.type)}`, idx);
  }
}

