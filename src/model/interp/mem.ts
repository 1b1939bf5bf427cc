// Loads, stores and atomics (check_mem_access and the stack spill/fill rules of
// check_stack_write_fixed_off / check_stack_read_fixed_off), privileged loader semantics:
// allow_ptr_leaks and allow_uninit_stack are true, so uninitialised stack reads yield unknown
// scalars. PTR_TO_BTF_ID goes to the graph hooks; map values go to them after the bounds check.
import type { Insn } from '../../bpf/insn.js';
import { regArg, reject, unsupported, type Finding } from '../finding.js';
import type { MemAccess } from '../hooks.js';
import { ctxAccess } from '../ctx.js';
import { regTypeStr } from '../print.js';
import { CORE, UNSUPPORTED, type RuleBook } from '../../rules/index.js';
import {
  F, MAX_BPF_STACK, T, baseType, curFrame, isConst, isPointer, regConst, regUnknown, slotIndex, type FuncState, type RegState, type StackSlot,
} from '../state.js';
import { tnumAdd, tnumConst, tnumIsConst, tnumStr } from '../tnum.js';
import { next, stop, type Env, type Path, type Step } from './env.js';
import { coerceToSize, signExtend } from './scalar.js';
import { checkRead, checkWrite } from './operands.js';
import { hookCtxAt } from './callbacks.js';

type MemInsn = Extract<Insn, { kind: 'ldx' | 'st' | 'stx' | 'atomic' }>;


export function memInsn(env: Env, path: Path, insn: MemInsn, idx: number): Step {
  const st = path.state;
  const regs = curFrame(st).regs;
  switch (insn.kind) {
    case 'ldx': {
      const e = checkRead(env, st, insn.src, idx) ?? checkWrite(env.profile.rules, insn.dst, idx); if (e) return e;
      const srcType = regs[insn.src]!.type;
      const r = access(env, path, idx, insn.src, insn.off, insn.size, false, insn.dst, false) ?? saveAuxPtrType(env, idx, srcType, true);
      if (r) return stop(r);
      const d = regs[insn.dst]!;
      if (d.type === T.SCALAR_VALUE && insn.size < 8) {
        if (insn.signExtend) signExtend(d, insn.size * 8, true); else coerceToSize(d, insn.size);
      }
      return next(idx + 1);
    }
    case 'stx': {
      const e = checkRead(env, st, insn.src, idx) ?? checkRead(env, st, insn.dst, idx); if (e) return e;
      const dstType = regs[insn.dst]!.type;
      const r = access(env, path, idx, insn.dst, insn.off, insn.size, true, insn.src, false) ?? saveAuxPtrType(env, idx, dstType, false);
      return r ? stop(r) : next(idx + 1);
    }
    case 'st': {
      const e = checkRead(env, st, insn.dst, idx); if (e) return e;
      const dstType = regs[insn.dst]!.type;
      const r = access(env, path, idx, insn.dst, insn.off, insn.size, true, null, false, BigInt(insn.imm)) ?? saveAuxPtrType(env, idx, dstType, false);
      return r ? stop(r) : next(idx + 1);
    }
    case 'atomic': {
      const e = checkRead(env, st, insn.src, idx) ?? checkRead(env, st, insn.dst, idx); if (e) return e;
      if (insn.op === 'cmpxchg') { const e0 = checkRead(env, st, 0, idx); if (e0) return e0; }
      const base = baseType(regs[insn.dst]!.type);
      if (base !== T.PTR_TO_STACK && base !== T.PTR_TO_MAP_VALUE && base !== T.PTR_TO_BTF_ID) {
        if (regs[insn.dst]!.type === T.SCALAR_VALUE || regs[insn.dst]!.type & F.PTR_MAYBE_NULL) {
          return stop(reject(env.profile.rules, CORE.invalidMemAccess, idx, regArg(insn.dst), regTypeStr(regs[insn.dst]!.type)));
        }
        return stop(unsupported(`atomic on ${regTypeStr(regs[insn.dst]!.type)}`, idx, UNSUPPORTED.atomic));
      }
      // check_atomic_rmw: the reads, then save_aux_ptr_type, then the write
      const rr = access(env, path, idx, insn.dst, insn.off, insn.size, false, null, true)
        ?? saveAuxPtrType(env, idx, regs[insn.dst]!.type, false);
      if (rr) return stop(rr);
      const rw = access(env, path, idx, insn.dst, insn.off, insn.size, true, insn.op === 'cmpxchg' ? insn.src : null, true);
      if (rw) return stop(rw);
      if (insn.fetch) {
        const target = insn.op === 'cmpxchg' ? 0 : insn.src;
        const u = regUnknown();
        if (insn.size < 8) coerceToSize(u, insn.size);
        regs[target] = u;
      }
      return next(idx + 1);
    }
  }
}

/** reg_type_mismatch_ok: types one instruction may see beside others (the rest are rewritten per type by convert_ctx_accesses). */
function typeMismatchOk(type: number): boolean {
  switch (baseType(type)) {
    case T.PTR_TO_CTX: case T.PTR_TO_SOCKET: case T.PTR_TO_SOCK_COMMON: case T.PTR_TO_TCP_SOCK:
    case T.PTR_TO_XDP_SOCK: case T.PTR_TO_BTF_ID: case T.PTR_TO_ARENA:
      return false;
    default:
      return true;
  }
}

/**
 * save_aux_ptr_type: the first path through load/store `idx` records the pointer type; a later path
 * with another type (flags included) is rejected when either is ctx/socket/BTF. A load
 * (allowTrustMismatch) of two PTR_TO_BTF_IDs degrades to untrusted instead (BPF_PROBE_MEM).
 */
function saveAuxPtrType(env: Env, idx: number, type: number, allowTrustMismatch: boolean): Finding | null {
  const prev = env.insnPtrType.get(idx);
  if (prev === undefined) { env.insnPtrType.set(idx, type); return null; }
  if (type === prev || (typeMismatchOk(type) && typeMismatchOk(prev))) return null;
  if (allowTrustMismatch && baseType(type) === T.PTR_TO_BTF_ID && baseType(prev) === T.PTR_TO_BTF_ID) {
    env.insnPtrType.set(idx, T.PTR_TO_BTF_ID | F.PTR_UNTRUSTED);
    return null;
  }
  return reject(env.profile.rules, CORE.insnPtrMismatch, idx);
}

/**
 * check_mem_access for one access. `valueRegno` is the stored register (write) or the
 * destination (read); null for BPF_ST (then `imm`) and for atomic reads. Returns a finding or null.
 */
function access(env: Env, path: Path, idx: number, regno: number, insnOff: number, size: 1 | 2 | 4 | 8,
  write: boolean, valueRegno: number | null, atomic: boolean, imm?: bigint): Finding | null {
  const st = path.state;
  const frame = curFrame(st);
  const reg = frame.regs[regno]!;
  const type = reg.type;
  const off = insnOff + reg.off;
  const setDst = (r: RegState): void => { if (!write && valueRegno !== null) frame.regs[valueRegno] = r; };
  const a: MemAccess = { regno, reg, off: insnOff, size, write, valueRegno, atomic };

  switch (type) {
    case T.PTR_TO_STACK: {
      if (!tnumIsConst(reg.varOff)) return unsupported('variable-offset stack access', idx, UNSUPPORTED.stackVarOff);
      const total = off + Number(BigInt.asIntN(64, reg.varOff.value));
      if (total % size !== 0) {
        // 7.x holds the fixed offset in var_off and prints it there (tnum_strn: small negatives in decimal)
        const offInVarOff = env.profile.switches.offInVarOff;
        const varOff = offInVarOff ? tnumAdd(reg.varOff, tnumConst(BigInt(reg.off))) : reg.varOff;
        return reject(env.profile.rules, CORE.stackMisaligned, idx, tnumStr(varOff, offInVarOff), reg.off, insnOff, size);
      }
      if (total < -MAX_BPF_STACK || total + size > 0) {
        return reject(env.profile.rules, write ? CORE.stackInvalidOff : CORE.stackInvalidReadOff, idx, regArg(regno), off, size);
      }
      const target = st.frames.find((f) => f.frameno === reg.frameno);
      if (!target) return unsupported('stack pointer into a finished frame', idx);
      if (write) return stackWrite(env, path, target, total, size, valueRegno, imm, idx);
      if (atomic) return null;
      return stackRead(env.profile.rules, target, total, size, valueRegno === null ? null : (r) => setDst(r), idx);
    }
    case T.PTR_TO_MAP_VALUE: {
      const map = reg.map!;
      const vs = map.valueSize ?? 0;
      if (write && map.kind === 'datasec' && map.section.startsWith('.rodata')) {
        return reject(env.profile.rules, CORE.mapWriteRdonly, idx, vs, off + Number(reg.smin), size);
      }
      const bounds = regionAccess(env.profile.rules, idx, regno, reg, off, size, vs);
      if (bounds) return bounds;
      const h = env.hooks.mapValueAccess(hookCtxAt(env, path, idx), a);
      if (h.kind === 'finding') return h.finding;
      if (h.kind === 'done') return null;
      if (!write) {
        if (map.kind === 'datasec' && map.section === '.kconfig') {
          return unsupported('load from .kconfig (a frozen map the kernel reads as constants: values of the running kernel)', idx, UNSUPPORTED.kconfigLoad);
        }
        if (map.kind === 'datasec' && map.section.startsWith('.rodata')) {
          // check_mem_access: a read-only, frozen map (libbpf: BPF_F_RDONLY_PROG + freeze) at a
          // constant offset reads as the known value (bpf_map_direct_read); else unknown
          if (!tnumIsConst(reg.varOff)) { setDst(regUnknown()); return null; }
          if (!map.initialData) return unsupported(`load from ${map.section} without its initial bytes`, idx, UNSUPPORTED.rodataLoad);
          setDst(regConst(readLe(map.initialData, off + Number(BigInt.asIntN(64, reg.varOff.value)), size)));
          return null;
        }
        setDst(regUnknown());
      }
      return null;
    }
    case T.PTR_TO_CTX: {
      if (!tnumIsConst(reg.varOff)) return reject(env.profile.rules, CORE.ctxVarOff, idx, tnumStr(reg.varOff));
      if (reg.off) return reject(env.profile.rules, CORE.ctxModified, idx, regArg(regno), reg.off);
      if (atomic) return unsupported('atomic on ctx', idx, UNSUPPORTED.atomic);
      const ans = ctxAccess(env.prog.progType, insnOff, size, write);
      if (ans.kind === 'invalid') return reject(env.profile.rules, CORE.ctxAccess, idx, insnOff, size);
      if (ans.kind === 'unsupported') return unsupported(ans.what, idx, UNSUPPORTED.ctx);
      setDst(regUnknown());
      return null;
    }
    case T.PTR_TO_MEM: case T.PTR_TO_MEM | F.MEM_RINGBUF: {
      if (write && type & F.MEM_RDONLY) return reject(env.profile.rules, CORE.cannotWrite, idx, regArg(regno), regTypeStr(type));
      const b = regionAccess(env.profile.rules, idx, regno, reg, off, size, reg.memSize);
      if (b) return b;
      setDst(regUnknown());
      return null;
    }
    default:
      break;
  }
  if (baseType(type) === T.PTR_TO_BTF_ID && !(type & F.PTR_MAYBE_NULL)) {
    const h = env.hooks.btfAccess(hookCtxAt(env, path, idx), a);
    if (h.kind === 'finding') return h.finding;
    if (h.kind === 'done') return null;
    return unsupported(`${write ? 'store to' : 'load from'} ${regTypeStr(type)}`, idx, UNSUPPORTED.btfAccess);
  }
  if (type === T.SCALAR_VALUE || type & F.PTR_MAYBE_NULL || type === T.CONST_PTR_TO_MAP || type === T.PTR_TO_FUNC) {
    if (type === T.CONST_PTR_TO_MAP && !write) return unsupported('load from a struct bpf_map', idx);
    return reject(env.profile.rules, CORE.invalidMemAccess, idx, regArg(regno), regTypeStr(type));
  }
  return unsupported(`${write ? 'store to' : 'load from'} ${regTypeStr(type)}`, idx, UNSUPPORTED.mem);
}

/** Little-endian unsigned value of `size` bytes at `at` (bounds already checked). */
function readLe(bytes: Uint8Array, at: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] ?? 0);
  return v;
}

/** check_mem_region_access: fixed + variable offset inside [0, size). */
export function regionAccess(rules: RuleBook, idx: number, regno: number, reg: RegState, off: number, size: number, memSize: number): Finding | null {
  const smin = reg.smin, umax = reg.umax;
  const bad = (o: bigint): boolean => !(o >= 0n && o + BigInt(size) <= BigInt(memSize));
  // the kernel prints "invalid access to map value, value_size=.. off=.. size=.." (or "... to
  // memory, mem_size=..") and then the min/max line; the finding's message is the last line
  const pre = (o: bigint): string[] => [memSize === reg.map?.valueSize && reg.type === T.PTR_TO_MAP_VALUE
    ? `invalid access to map value, value_size=${memSize} off=${BigInt.asIntN(32, o)} size=${size}`
    : `invalid access to memory, mem_size=${memSize} off=${BigInt.asIntN(32, o)} size=${size}`];
  const first = (o: bigint): Finding => ({ ...reject(rules, CORE.mapMinOutside, idx, regArg(regno)), before: pre(o) });
  if (smin < 0n && (smin === -(1n << 63n) || BigInt.asIntN(32, BigInt(off) + smin) !== BigInt(off) + smin || smin + BigInt(off) < 0n)) {
    return reject(rules, CORE.mapMinNegative, idx, regArg(regno));
  }
  if (bad(smin + BigInt(off))) return first(smin + BigInt(off));
  if (umax >= 1n << 29n) return reject(rules, CORE.mapUnbounded, idx, regArg(regno));
  if (bad(umax + BigInt(off))) {
    return { ...reject(rules, CORE.mapMaxOutside, idx, regArg(regno)), before: pre(umax + BigInt(off)) };
  }
  return null;
}
/** Stack slot `spi` of frame `f`; the stack grows (STACK_INVALID slots) to reach it. */
export function slotOf(f: FuncState, spi: number): StackSlot {
  while (f.stack.length <= spi) f.stack.push({ bytes: Array(8).fill('invalid'), spilled: null });
  return f.stack[spi]!;
}

/** A write into part of a spilled register ends the spill: its bytes become MISC (scrub_spilled_slot). */
export function scrubSpill(slot: StackSlot): void {
  if (slot.bytes[7] === 'spill') { slot.bytes = slot.bytes.map((b) => (b === 'invalid' ? 'invalid' : 'misc')); slot.spilled = null; }
}

function stackWrite(env: Env, path: Path, f: FuncState, off: number, size: number, valueRegno: number | null, imm: bigint | undefined, idx: number): Finding | null {
  const spi = slotIndex(off);
  const slot = slotOf(f, spi);
  const cur = curFrame(path.state);
  const reg = valueRegno !== null ? cur.regs[valueRegno]! : null;
  const aligned = off % 8 === 0;
  const save = (r: RegState): void => {
    slot.spilled = { ...r };
    for (let i = 8; i > 8 - size; i--) slot.bytes[i - 1] = 'spill';
    for (let i = 8 - size; i > 0; i--) { const b = slot.bytes[i - 1]; if (b !== 'zero' && b !== 'invalid') slot.bytes[i - 1] = 'misc'; } // mark_stack_slot_misc
  };
  if (reg && aligned && reg.type === T.SCALAR_VALUE) {
    const fits = reg.umax < (size >= 8 ? 1n << 64n : 1n << BigInt(size * 8));
    if (fits && !reg.id && !tnumIsConst(reg.varOff)) reg.id = env.ids.next();
    save(reg);
    if (!fits) slot.spilled!.id = 0;
    return null;
  }
  if (!reg && aligned && imm !== undefined) {
    save(regConst(BigInt.asUintN(64, imm)));
    return null;
  }
  if (reg && isPointer(reg)) {
    if (size !== 8) return reject(env.profile.rules, CORE.spillSize, idx);
    if (f !== cur && reg.type === T.PTR_TO_STACK) return unsupported('spilling a stack pointer into the caller\'s frame', idx);
    save(reg);
    return null;
  }
  // partial / misaligned scalar write: bytes become MISC (or ZERO for a known zero)
  scrubSpill(slot);
  const zero = (reg && reg.type === T.SCALAR_VALUE && isConst(reg) && reg.varOff.value === 0n) || (!reg && imm === 0n);
  const slotByte = -off - 1;
  for (let i = 0; i < size; i++) slot.bytes[(slotByte - i) % 8] = zero ? 'zero' : 'misc';
  return null;
}

function stackRead(rules: RuleBook, f: FuncState, off: number, size: number, set: ((r: RegState) => void) | null, idx: number): Finding | null {
  const spi = slotIndex(off);
  const slot = f.stack[spi] ?? { bytes: Array(8).fill('invalid'), spilled: null };
  const slotByte = -off - 1;
  if (slot.bytes[7] === 'spill' && slot.spilled) {
    let spillSz = 1;
    for (let i = 7; i > 0 && slot.bytes[i - 1] === 'spill'; i--) spillSz++;
    if (size !== 8 || spillSz !== 8) {
      if (slot.spilled.type !== T.SCALAR_VALUE) {
        return reject(rules, CORE.fillSize, idx);
      }
      if (!set) return null;
      if (size <= spillSz && off % 8 === 0) {
        const r = { ...slot.spilled };
        if (r.umax >= (1n << BigInt(size * 8))) r.id = 0;
        set(r);
        return null;
      }
      let spill = 0, zero = 0;
      for (let i = 0; i < size; i++) {
        const b = slot.bytes[(slotByte - i) % 8];
        if (b === 'spill') spill++; else if (b === 'zero') zero++;
      }
      if (spill === size && isConst(slot.spilled) && slot.spilled.varOff.value === 0n) set(regConst(0n));
      else if (zero === size) set(regConst(0n));
      else set(regUnknown());
      return null;
    }
    if (set) set({ ...slot.spilled });
    return null;
  }
  if (!set) return null;
  let allZero = true;
  for (let i = 0; i < size; i++) if (slot.bytes[(slotByte - i) % 8] !== 'zero') allZero = false;
  set(allZero ? regConst(0n) : regUnknown());
  return null;
}

