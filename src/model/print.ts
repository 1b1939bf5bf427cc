// The verifier log's notation for abstract state: reg_type_str and print_verifier_state
// (kernel/bpf/log.c), so model output can sit next to a kernel log line by line.
import type { Btf } from '../btf/types.js';
import { F, T, baseType, typeIsNonOwningRef, type FuncState, type RegState, type VerifierState } from './state.js';
import { S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32, U64, tnumIsConst, tnumIsUnknown, tnumStr } from './tnum.js';

const BASE_STR: Record<number, string> = {
  [T.NOT_INIT]: '?', [T.SCALAR_VALUE]: 'scalar', [T.PTR_TO_CTX]: 'ctx', [T.CONST_PTR_TO_MAP]: 'map_ptr',
  [T.PTR_TO_MAP_VALUE]: 'map_value', [T.PTR_TO_STACK]: 'fp', [T.PTR_TO_PACKET]: 'pkt', [T.PTR_TO_PACKET_META]: 'pkt_meta',
  [T.PTR_TO_PACKET_END]: 'pkt_end', [T.PTR_TO_FLOW_KEYS]: 'flow_keys', [T.PTR_TO_SOCKET]: 'sock',
  [T.PTR_TO_SOCK_COMMON]: 'sock_common', [T.PTR_TO_TCP_SOCK]: 'tcp_sock', [T.PTR_TO_TP_BUFFER]: 'tp_buffer',
  [T.PTR_TO_XDP_SOCK]: 'xdp_sock', [T.PTR_TO_BTF_ID]: 'ptr_', [T.PTR_TO_MEM]: 'mem', [T.PTR_TO_ARENA]: 'arena',
  [T.PTR_TO_BUF]: 'buf', [T.PTR_TO_FUNC]: 'func', [T.PTR_TO_MAP_KEY]: 'map_key', [T.CONST_PTR_TO_DYNPTR]: 'dynptr_ptr',
};

/** reg_type_str (log.c): "ptr_or_null_", "map_value_or_null", "rcu_ptr_", "untrusted_ptr_"... */
export function regTypeStr(type: number): string {
  const base = baseType(type);
  let postfix = '';
  if (type & F.PTR_MAYBE_NULL) postfix = base === T.PTR_TO_BTF_ID ? 'or_null_' : '_or_null';
  const prefix = (type & F.MEM_RDONLY ? 'rdonly_' : '') + (type & F.MEM_RINGBUF ? 'ringbuf_' : '') +
    (type & F.MEM_USER ? 'user_' : '') + (type & F.MEM_PERCPU ? 'percpu_' : '') + (type & F.MEM_RCU ? 'rcu_' : '') +
    (type & F.PTR_UNTRUSTED ? 'untrusted_' : '') + (type & F.PTR_TRUSTED ? 'trusted_' : '');
  return prefix + (BASE_STR[base] ?? '?') + postfix;
}

/** Name of the BTF type a PTR_TO_BTF_ID points to (btf_type_name: the bare name, e.g. "foo"). */
export type TypeNamer = (reg: RegState) => string;
export function progBtfNamer(btf: Btf | null): TypeNamer {
  return (reg) => {
    if (!reg.btf) return '';
    if (reg.btf.btf === 'kernel' || !btf) return `btf#${reg.btf.id}`;
    try { return btf.resolve(reg.btf.id).name; } catch { return `btf#${reg.btf.id}`; }
  };
}

const snum = (v: bigint): string => (v >= -32768n && v <= 32767n ? v.toString() : '0x' + BigInt.asUintN(64, v).toString(16));
const unum = (v: bigint): string => (v <= 65535n ? v.toString() : '0x' + v.toString(16));

function scalarRanges(r: RegState): string[] {
  const mm: { name: string; val: bigint; omit: boolean }[] = [
    { name: 'smin', val: r.smin, omit: r.smin === S64_MIN },
    { name: 'smax', val: r.smax, omit: r.smax === S64_MAX },
    { name: 'umin', val: r.umin, omit: r.umin === 0n },
    { name: 'umax', val: r.umax, omit: r.umax === U64 },
    { name: 'smin32', val: r.s32min, omit: r.s32min === S32_MIN },
    { name: 'smax32', val: r.s32max, omit: r.s32max === S32_MAX },
    { name: 'umin32', val: r.u32min, omit: r.u32min === 0n },
    { name: 'umax32', val: r.u32max, omit: r.u32max === U32 },
  ];
  const out: string[] = [];
  for (let i = 0; i < mm.length; i++) {
    const m1 = mm[i]!;
    if (m1.omit) continue;
    const neg1 = m1.name[0] === 's' && m1.val < 0n;
    let s = `${m1.name}=`;
    for (let j = i + 2; j < mm.length; j += 2) {
      const m2 = mm[j]!;
      if (m2.omit || m2.val !== m1.val) continue;
      if ((m2.name[0] === 's' && m2.val < 0n) !== neg1) continue;
      m2.omit = true;
      s += `${m2.name}=`;
    }
    out.push(s + (m1.name[0] === 's' ? snum(m1.val) : unum(m1.val)));
  }
  return out;
}

/** print_reg_state (log.c), without liveness/precision marks. */
export function formatReg(r: RegState, frame: FuncState, names: TypeNamer): string {
  const t = r.type;
  if (t === T.SCALAR_VALUE && tnumIsConst(r.varOff)) return snum(BigInt.asIntN(64, r.varOff.value));
  let s = regTypeStr(t);
  if (t === T.PTR_TO_STACK) {
    if (frame.frameno !== r.frameno) s += `[${r.frameno}]`;
    if (tnumIsConst(r.varOff)) return s + snum(BigInt.asIntN(64, r.varOff.value) + BigInt(r.off));
  }
  if (baseType(t) === T.PTR_TO_BTF_ID) s += names(r);
  const a: string[] = [];
  if (r.id) a.push(`id=${r.id}`);
  if (r.refObjId) a.push(`ref_obj_id=${r.refObjId}`);
  if (typeIsNonOwningRef(t)) a.push('non_own_ref');
  const b = baseType(t);
  if ((b === T.CONST_PTR_TO_MAP || b === T.PTR_TO_MAP_KEY || b === T.PTR_TO_MAP_VALUE) && r.map) {
    if (r.map.name) a.push(`map=${r.map.name}`);
    a.push(`ks=${r.map.keySize ?? 0},vs=${r.map.valueSize ?? 0}`);
  }
  if (t !== T.SCALAR_VALUE && r.off) a.push(`off=${snum(BigInt(r.off))}`);
  if (b === T.PTR_TO_MEM) a.push(`sz=${unum(BigInt(r.memSize))}`);
  if (tnumIsConst(r.varOff)) {
    if (r.varOff.value) a.push(`imm=${snum(BigInt.asIntN(64, r.varOff.value))}`);
  } else {
    a.push(...scalarRanges(r));
    if (!tnumIsUnknown(r.varOff)) a.push(`var_off=${tnumStr(r.varOff)}`);
  }
  return `${s}(${a.join(',')})`;
}

const SLOT_CHAR = { invalid: '?', spill: 'r', misc: 'm', zero: '0' } as const;

/** print_verifier_state for one frame (print_all), plus refs and the lock (the kernel prints the lock elsewhere). */
export function formatFrame(f: FuncState, state: VerifierState, names: TypeNamer): string {
  let s = f.frameno ? ` frame${f.frameno}:` : '';
  f.regs.forEach((r, i) => { if (r.type !== T.NOT_INIT) s += ` R${i}=${formatReg(r, f, names)}`; });
  f.stack.forEach((slot, i) => {
    if (!slot || slot.bytes.every((b) => b === 'invalid')) return;
    let types = slot.bytes.map((b) => SLOT_CHAR[b]).join('');
    if (slot.bytes[7] === 'spill' && slot.spilled) {
      const j = slot.bytes.indexOf('spill');
      types = types.slice(0, j);
      s += ` fp${-(i + 1) * 8}=${types}${formatReg(slot.spilled, f, names)}`;
    } else {
      s += ` fp${-(i + 1) * 8}=${types}`;
    }
  });
  if (state.refs.length) s += ` refs=${state.refs.map((r) => r.id).join(',')}`;
  if (f.inCallbackFn) s += ' cb';
  return s;
}

/** The whole state, one line: every frame, then the held lock / RCU section. */
export function formatState(state: VerifierState, names: TypeNamer): string {
  let s = state.frames.map((f) => formatFrame(f, state, names)).join('');
  if (state.activeLock) s += ` lock=(${state.activeLock.ptr},id=${state.activeLock.id})`;
  if (state.activeRcuLocks) s += ' rcu';
  return s.trimStart();
}
