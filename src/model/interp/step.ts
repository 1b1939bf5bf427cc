// One instruction of one path (the body of do_check's loop): dispatch on Insn.kind.
// ALU and ld_imm64 live here; memory in mem.ts, branches in branch.ts, calls/exit in call.ts.
import type { Insn } from '../../bpf/insn.js';
import { PSEUDO } from '../../bpf/opcode.js';
import { CORE, UNSUPPORTED, unsupportedInsn } from '../../rules/index.js';
import { reject, unsupported } from '../finding.js';
import {
  F, T, baseType, curFrame, markUnknown, regConst, regPtr, setKnown, type RegState,
} from '../state.js';
import { S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32, tnumAdd, tnumConst, tnumIsConst, tnumSub, u32 } from '../tnum.js';
import { next, stop, typeStrOf, type Env, type Path, type Step } from './env.js';
import { boundsSync, scalarAlu, signExtend, zext32 } from './scalar.js';
import { condJump, mayGoto } from './branch.js';
import { memInsn } from './mem.js';
import { callInsn, exitInsn } from './call.js';
import { regTypeStr } from '../print.js';
import { checkRead, checkWrite } from './operands.js';
import { checkInsnFields } from './insn-checks.js';

const ALU_STR: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', xor: '^=', mov: '=', arsh: 's>>=',
};

export function step(env: Env, path: Path): Step {
  const idx = path.insn;
  const insn = env.insns[idx];
  if (!insn) return stop(unsupported(`insn index ${idx} outside the program`, idx, UNSUPPORTED.insn));
  const rel = env.prog.relocs.get(idx);
  if (rel?.kind === 'core' && rel.unresolved) return stop(unsupported(rel.unresolved, idx, UNSUPPORTED.coreRelo));
  // the kernel's raw-field and register-number checks come first in every handler
  const bad = insn.kind === 'ld_imm64_hi' ? null : checkInsnFields(env.profile.rules, path.state, insn, idx, env.profile.switches.insnFieldsBeforeWalk);
  if (bad) return stop(bad);
  switch (insn.kind) {
    case 'alu': return alu(env, path, insn, idx);
    case 'neg': case 'endian': return unaryAlu(env, path, insn, idx);
    case 'ld_imm64': return ldImm64(env, path, insn, idx);
    case 'ldx': case 'st': case 'stx': case 'atomic': return memInsn(env, path, insn, idx);
    case 'jmp': return condJump(env, path, insn, idx);
    case 'ja': return next(idx + 1 + insn.offset);
    case 'call': return callInsn(env, path, insn, idx);
    case 'exit': return exitInsn(env, path, idx);
    case 'unknown':
      if (insn.reason.startsWith('BPF_ATOMIC uses')) return stop(reject(env.profile.rules, CORE.atomicOpcode, idx, (insn.imm >>> 0).toString(16).padStart(2, '0')));
      return stop(unsupported(insn.reason, idx, UNSUPPORTED.insn));
    case 'ld_imm64_hi':
      return stop(unsupported('jump into the middle of ld_imm64', idx, UNSUPPORTED.insn));
    case 'may_goto': return mayGoto(env, path, insn, idx);
    case 'addr_space_cast': case 'ld_abs': case 'ld_ind': case 'callx':
      return stop(unsupported(`instruction ${insn.kind}`, idx, unsupportedInsn(insn.kind)));
  }
}

/** Constant operand of a K-form ALU insn (CO-RE relocations are already patched in: object/core-patch.ts). */
const immOf = (insn: Insn): bigint => BigInt(insn.imm);

function alu(env: Env, path: Path, insn: Extract<Insn, { kind: 'alu' }>, idx: number): Step {
  const st = path.state;
  const regs = curFrame(st).regs;
  if (insn.useReg) { const e = checkRead(env, st, insn.src, idx); if (e) return e; }
  if (insn.op === 'mov') {
    const e = checkWrite(env.profile.rules, insn.dst, idx); if (e) return e;
    if (!insn.useReg) {
      const v = immOf(insn);
      regs[insn.dst] = regConst(insn.alu64 ? BigInt.asUintN(64, v) : u32(v));
      return next(idx + 1);
    }
    const src = regs[insn.src]!;
    if (insn.movsx) {
      if (src.type !== T.SCALAR_VALUE) { const d = regs[insn.dst] = { ...src }; markUnknown(d); return next(idx + 1); }
      const d = regs[insn.dst] = { ...src, id: 0 };
      signExtend(d, insn.movsx, insn.alu64);
      return next(idx + 1);
    }
    if (insn.alu64) {
      // assign_scalar_id_before_mov: copies of an unknown scalar share a fresh id
      if (src.type === T.SCALAR_VALUE && !src.id && !tnumIsConst(src.varOff)) src.id = env.ids.next();
      regs[insn.dst] = { ...src };
      return next(idx + 1);
    }
    if (src.type === T.SCALAR_VALUE) {
      const fits = src.umax <= 0xffffffffn;
      if (fits && !src.id && !tnumIsConst(src.varOff)) src.id = env.ids.next();
      const d = regs[insn.dst] = { ...src };
      if (!fits) d.id = 0;
      zext32(d);
    } else {
      const d = regs[insn.dst] = { ...src };
      markUnknown(d);
      zext32(d);
    }
    return next(idx + 1);
  }
  const e1 = checkRead(env, st, insn.dst, idx); if (e1) return e1;
  if ((insn.op === 'div' || insn.op === 'mod') && !insn.useReg && insn.imm === 0) return stop(reject(env.profile.rules, CORE.divByZero, idx));
  const e2 = checkWrite(env.profile.rules, insn.dst, idx); if (e2) return e2;
  const dst = regs[insn.dst]!;
  const src = insn.useReg ? regs[insn.src]! : regConst(insn.alu64 ? BigInt.asUintN(64, immOf(insn)) : u32(immOf(insn)));
  const dstPtr = dst.type !== T.SCALAR_VALUE;
  const srcPtr = src.type !== T.SCALAR_VALUE;
  if (dstPtr && srcPtr) {
    // adjust_reg_min_max_vals: pointer - pointer is a scalar for privileged programs
    if (insn.op === 'sub' && insn.alu64) { markUnknown(dst); return next(idx + 1); }
    return stop(reject(env.profile.rules, CORE.ptrOpPtr, idx, insn.dst, ALU_STR[insn.op]!));
  }
  if (dstPtr || srcPtr) {
    if (!dstPtr && insn.op !== 'add') {
      if (insn.op === 'sub') { markUnknown(dst); return next(idx + 1); }
      return stop(reject(env.profile.rules, CORE.ptrArithUnknownOp, idx, insn.dst));
    }
    const r = ptrAlu(env, insn, idx, dstPtr ? dst : src, dstPtr ? src : dst);
    if ('kind' in r) return r;
    regs[insn.dst] = r;
    return next(idx + 1);
  }
  scalarAlu(dst, src, insn.op, insn.alu64 ? 64 : 32, insn.signed);
  return next(idx + 1);
}

/** adjust_ptr_min_max_vals: pointer +/- scalar. Returns the new register or a Step (finding). */
function ptrAlu(env: Env, insn: Extract<Insn, { kind: 'alu' }>, idx: number, ptr: RegState, off: RegState): RegState | Step {
  const known = tnumIsConst(off.varOff);
  if (!insn.alu64) {
    if (insn.op === 'sub') { const r = regConst(0n); markUnknown(r); return r; }
    return stop(reject(env.profile.rules, CORE.ptrArith32, idx, insn.dst));
  }
  if (ptr.type & F.PTR_MAYBE_NULL) return stop(reject(env.profile.rules, CORE.ptrArithNull, idx, insn.dst, regTypeStr(ptr.type)));
  switch (baseType(ptr.type)) {
    case T.PTR_TO_CTX: case T.PTR_TO_MAP_VALUE: case T.PTR_TO_MAP_KEY: case T.PTR_TO_STACK: case T.PTR_TO_PACKET_META:
    case T.PTR_TO_PACKET: case T.PTR_TO_TP_BUFFER: case T.PTR_TO_BTF_ID: case T.PTR_TO_MEM: case T.PTR_TO_BUF:
    case T.PTR_TO_FUNC: case T.CONST_PTR_TO_DYNPTR:
      break;
    case T.CONST_PTR_TO_MAP:
      if (known && off.smin === 0n && insn.op === 'add') break;
      return stop(reject(env.profile.rules, CORE.ptrArith, idx, insn.dst, regTypeStr(ptr.type)));
    default:
      return stop(reject(env.profile.rules, CORE.ptrArith, idx, insn.dst, regTypeStr(ptr.type)));
  }
  if (insn.op !== 'add' && insn.op !== 'sub') {
    if (insn.op === 'and' || insn.op === 'or' || insn.op === 'xor') return stop(reject(env.profile.rules, CORE.ptrBitwise, idx, insn.dst, ALU_STR[insn.op]!));
    return stop(reject(env.profile.rules, CORE.ptrPtrArith, idx, insn.dst, ALU_STR[insn.op]!));
  }
  if (off.smin === S64_MIN && !known) return stop(reject(env.profile.rules, CORE.mathBetweenUnbounded, idx, regTypeStr(ptr.type)));
  const r: RegState = { ...ptr };
  if (known) {
    const v = BigInt.asIntN(64, off.varOff.value);
    const nv = insn.op === 'add' ? BigInt(r.off) + v : BigInt(r.off) - v;
    if (nv >= -(1n << 29n) && nv < 1n << 29n) { r.off = Number(nv); return r; }
    return stop(unsupported('pointer offset out of the modelled range', idx));
  }
  // variable offset: the fixed part stays in off, the variable part in var_off + bounds
  r.varOff = insn.op === 'add' ? tnumAdd(ptr.varOff, off.varOff) : tnumSub(ptr.varOff, off.varOff);
  if (insn.op === 'add') {
    const smin = ptr.smin + off.smin, smax = ptr.smax + off.smax;
    r.smin = smin < S64_MIN ? S64_MIN : smin; r.smax = smax > S64_MAX ? S64_MAX : smax;
    if (smin < S64_MIN || smax > S64_MAX) { r.smin = S64_MIN; r.smax = S64_MAX; }
    const umax = ptr.umax + off.umax;
    if (umax > (1n << 64n) - 1n) { r.umin = 0n; r.umax = (1n << 64n) - 1n; } else { r.umin = ptr.umin + off.umin; r.umax = umax; }
  } else {
    const smin = ptr.smin - off.smax, smax = ptr.smax - off.smin;
    if (smin < S64_MIN || smax > S64_MAX) { r.smin = S64_MIN; r.smax = S64_MAX; } else { r.smin = smin; r.smax = smax; }
    if (ptr.umin < off.umax) { r.umin = 0n; r.umax = (1n << 64n) - 1n; } else { r.umin = ptr.umin - off.umax; r.umax = ptr.umax - off.umin; }
  }
  // pointers carry no 32-bit bounds (__mark_reg32_unbounded in adjust_ptr_min_max_vals)
  r.u32min = 0n; r.u32max = U32; r.s32min = S32_MIN; r.s32max = S32_MAX;
  boundsSync(r);
  return r;
}

function unaryAlu(env: Env, path: Path, insn: Extract<Insn, { kind: 'neg' | 'endian' }>, idx: number): Step {
  const st = path.state;
  const e = checkRead(env, st, insn.dst, idx); if (e) return e;
  const e2 = checkWrite(env.profile.rules, insn.dst, idx); if (e2) return e2;
  const r = curFrame(st).regs[insn.dst]!;
  const alu64 = insn.kind === 'neg' ? insn.alu64 : insn.to === 'swap';
  if (r.type === T.SCALAR_VALUE && tnumIsConst(r.varOff)) {
    let v = r.varOff.value;
    if (insn.kind === 'neg') v = alu64 ? BigInt.asUintN(64, -v) : u32(-v);
    else {
      const bytes = insn.bits / 8;
      const le = v & ((1n << BigInt(insn.bits)) - 1n);
      if (insn.to === 'le') v = le;
      else { let o = 0n; for (let i = 0; i < bytes; i++) o = (o << 8n) | ((le >> BigInt(8 * i)) & 0xffn); v = o; }
    }
    setKnown(r, v);
    return next(idx + 1);
  }
  markUnknown(r);
  if (insn.kind === 'endian' && insn.bits < 64) { r.umax = (1n << BigInt(insn.bits)) - 1n; r.smin = 0n; r.smax = r.umax; boundsSync(r); }
  else if (!alu64) zext32(r);
  return next(idx + 1);
}

function ldImm64(env: Env, path: Path, insn: Extract<Insn, { kind: 'ld_imm64' }>, idx: number): Step {
  const e = checkWrite(env.profile.rules, insn.dst, idx); if (e) return e;
  const regs = curFrame(path.state).regs;
  const rel = env.prog.relocs.get(idx);
  switch (insn.pseudo) {
    case 0:
      regs[insn.dst] = regConst(BigInt.asUintN(64, insn.value));
      return next(idx + 2);
    case PSEUDO.MAP_FD: case PSEUDO.MAP_IDX:
      if (rel?.kind !== 'map') return stop(unsupported('ld_imm64 of a map the object does not resolve', idx));
      if (rel.map.kind === 'map' && rel.map.mapType === null) return stop(unsupported(`map ${rel.map.name} without a type`, idx));
      regs[insn.dst] = regPtr(T.CONST_PTR_TO_MAP, { map: rel.map });
      return next(idx + 2);
    case PSEUDO.MAP_VALUE: case PSEUDO.MAP_IDX_VALUE: {
      if (rel?.kind !== 'map_value') return stop(unsupported('ld_imm64 of a map value the object does not resolve', idx));
      const r = regPtr(T.PTR_TO_MAP_VALUE, { map: rel.map });
      r.off = rel.offset;
      regs[insn.dst] = r;
      return next(idx + 2);
    }
    case PSEUDO.FUNC: {
      if (rel?.kind !== 'subprog') return stop(unsupported('ld_imm64 of a function the object does not resolve', idx));
      const fi = env.prog.funcs.findIndex((f) => f.start === rel.target);
      if (fi < 0) return stop(unsupported(`function at insn ${rel.target}`, idx));
      regs[insn.dst] = regPtr(T.PTR_TO_FUNC, { subprog: fi });
      return next(idx + 2);
    }
    default:
      return stop(unsupported(`ld_imm64 pseudo ${insn.pseudo} (${rel?.kind ?? 'unresolved'})`, idx, UNSUPPORTED.ldImm64));
  }
}

export { typeStrOf, tnumConst };
