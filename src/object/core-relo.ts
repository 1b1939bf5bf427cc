// The value libbpf patches into an instruction for one CO-RE relocation (tools/lib/bpf/relo_core.c:
// bpf_core_parse_spec, bpf_core_spec_match, bpf_core_calc_relo_insn), computed against the target
// kernel's BTF. Pure: program BTF + target BTF + the relocation record in, an outcome out.
// TYPE_ID_LOCAL needs no target; every other kind does, and without the target's BTF the answer
// is `unsupported` with the reason (a local-offset guess is right only when the object was built
// against that very kernel's vmlinux.h).
import type { Btf, BtfType } from '../btf/types.js';
import { CORE_RELO_KIND } from '../btf/ext.js';

export const CORE = {
  FIELD_BYTE_OFFSET: 0, FIELD_BYTE_SIZE: 1, FIELD_EXISTS: 2, FIELD_SIGNED: 3, FIELD_LSHIFT_U64: 4, FIELD_RSHIFT_U64: 5,
  TYPE_ID_LOCAL: 6, TYPE_ID_TARGET: 7, TYPE_EXISTS: 8, TYPE_SIZE: 9, ENUMVAL_EXISTS: 10, ENUMVAL_VALUE: 11, TYPE_MATCHES: 12,
} as const;

export interface CoreRelo { typeId: number; accessStr: string; kind: number }

/**
 * What libbpf does with the instruction: patch `value` (with `size`, the new memory size of a
 * load/store when the target field is wider or narrower); `poison` it (the kernel then says
 * "invalid func unknown#195896080" if a path reaches it); or the model cannot tell (`unsupported`).
 * `badMemSize`: a load/store of this field would need another width that libbpf may not give it
 * (signed or non-integer): libbpf poisons a load/store, but patches an ALU immediate.
 * `error`: libbpf refuses to load the object (the reason is libbpf's).
 */
export type CoreOutcome =
  | { kind: 'value'; value: bigint; size?: number; badMemSize?: string }
  | { kind: 'poison'; spec: string }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'error'; reason: string };

const isField = (k: number) => k <= CORE.FIELD_RSHIFT_U64;
const isType = (k: number) => k >= CORE.TYPE_ID_LOCAL && k <= CORE.TYPE_SIZE || k === CORE.TYPE_MATCHES;
const isEnumval = (k: number) => k === CORE.ENUMVAL_EXISTS || k === CORE.ENUMVAL_VALUE;
const kindName = (k: number): string => CORE_RELO_KIND[k] ?? `kind ${k}`;
const composite = (t: BtfType): t is Extract<BtfType, { kind: 'struct' | 'union' }> => t.kind === 'struct' || t.kind === 'union';
const anyEnum = (t: BtfType): t is Extract<BtfType, { kind: 'enum' | 'enum64' }> => t.kind === 'enum' || t.kind === 'enum64';

/** bpf_core_essential_name_len: the name without a `___flavor` suffix. */
export function essentialName(name: string): string {
  for (let i = name.length - 5; i >= 0; i--) {
    if (name[i] !== '_' && name.startsWith('___', i + 1) && name[i + 4] !== '_') return name.slice(0, i + 1);
  }
  return name;
}

/** One step of an access spec (struct bpf_core_accessor): a named member, or an array index (name null). */
interface Acc { typeId: number; idx: number; name: string | null }
interface Spec { btf: Btf; root: number; acc: Acc[]; bitOffset: number; raw: number[] }

class SpecError extends Error {}

/** bpf_core_parse_spec for field and enumval kinds (type kinds only need the root). */
function parseSpec(btf: Btf, r: CoreRelo): Spec {
  const raw = r.accessStr.split(':').map((s) => { if (!/^\d+$/.test(s)) throw new SpecError(`bad access string '${r.accessStr}'`); return Number(s); });
  const spec: Spec = { btf, root: r.typeId, acc: [], bitOffset: 0, raw };
  if (isType(r.kind)) { if (r.accessStr !== '0') throw new SpecError(`bad access string '${r.accessStr}'`); return spec; }
  let id = btf.resolveId(r.typeId);
  let t = btf.get(id);
  spec.acc.push({ typeId: id, idx: raw[0]!, name: null });
  if (isEnumval(r.kind)) {
    if (!anyEnum(t) || raw.length > 1 || raw[0]! >= t.values.length) throw new SpecError('enum value access out of range');
    spec.acc[0]!.name = t.values[raw[0]!]!.name;
    return spec;
  }
  spec.bitOffset = raw[0]! * sizeOf(btf, id) * 8;
  for (let i = 1; i < raw.length; i++) {
    id = btf.resolveId(id); t = btf.get(id);
    const a = raw[i]!;
    if (composite(t)) {
      const m = t.members[a];
      if (!m) throw new SpecError(`member ${a} of ${btf.typeName(id)} out of range`);
      spec.bitOffset += m.bitOffset;
      if (m.name) spec.acc.push({ typeId: id, idx: a, name: m.name });
      id = m.type;
    } else if (t.kind === 'array') {
      const prev = spec.acc[spec.acc.length - 1]!;
      const elem = btf.resolveId(t.type);
      if (!isFlexArr(btf, prev, t.nelems) && a >= t.nelems) throw new SpecError('array index out of range');
      spec.acc.push({ typeId: elem, idx: a, name: null });
      spec.bitOffset += a * sizeOf(btf, elem) * 8;
      id = elem;
    } else throw new SpecError(`access ${i} captures a ${t.kind}`);
  }
  return spec;
}

function sizeOf(btf: Btf, id: number): number {
  const s = btf.sizeOf(id);
  if (s === null) throw new SpecError(`${btf.typeName(id)} has no size`);
  return s;
}

/** is_flex_arr: a zero-length array that is the last member of its struct. */
function isFlexArr(btf: Btf, acc: Acc, nelems: number): boolean {
  if (!acc.name || nelems > 0) return false;
  const t = btf.get(acc.typeId);
  return composite(t) && acc.idx === t.members.length - 1;
}

/** btf_kind_core_compat: same kind, or enum and enum64. */
const kindCompat = (a: BtfType, b: BtfType): boolean => a.kind === b.kind || (anyEnum(a) && anyEnum(b));

/** bpf_core_fields_are_compat. */
function fieldsCompat(lb: Btf, lid: number, tb: Btf, tid: number): boolean {
  for (let depth = 0; depth < 32; depth++) {
    const l = lb.resolve(lid), t = tb.resolve(tid);
    if (composite(l) && composite(t)) return true;
    if (!kindCompat(l, t)) return false;
    switch (l.kind) {
      case 'ptr': case 'float': return true;
      case 'fwd': case 'enum': case 'enum64': {
        const ln = essentialName(l.name), tn = essentialName(t.name);
        return ln === '' || tn === '' || ln === tn;
      }
      case 'int': return l.bitOffset === 0 && (t as Extract<BtfType, { kind: 'int' }>).bitOffset === 0;
      case 'array': lid = l.type; tid = (t as Extract<BtfType, { kind: 'array' }>).type; continue;
      default: return false;
    }
  }
  return false;
}

/** bpf_core_types_are_compat (TYPE_ID_TARGET, TYPE_EXISTS, TYPE_SIZE candidates). */
function typesCompat(lb: Btf, lid: number, tb: Btf, tid: number, depth = 32): boolean {
  for (; depth > 0; depth--) {
    const l = lb.resolve(lid), t = tb.resolve(tid);
    if (!kindCompat(l, t)) return false;
    switch (l.kind) {
      case 'void': case 'struct': case 'union': case 'enum': case 'enum64': case 'fwd': return true;
      case 'int': return l.bitOffset === 0 && (t as Extract<BtfType, { kind: 'int' }>).bitOffset === 0;
      case 'ptr': lid = l.type; tid = (t as Extract<BtfType, { kind: 'ptr' }>).type; continue;
      case 'array': lid = l.type; tid = (t as Extract<BtfType, { kind: 'array' }>).type; continue;
      case 'func_proto': {
        const tp = t as Extract<BtfType, { kind: 'func_proto' }>;
        if (l.params.length !== tp.params.length) return false;
        if (!l.params.every((p, i) => typesCompat(lb, p.type, tb, tp.params[i]!.type, depth - 1))) return false;
        lid = l.returnType; tid = tp.returnType; continue;
      }
      default: return false;
    }
  }
  return false;
}

/** bpf_core_match_member: find the local member by name in the target, through anonymous members. */
function matchMember(lb: Btf, la: Acc, tb: Btf, tid: number, spec: Spec): number | null | false {
  const tt = tb.resolve(tid);
  if (!composite(tt)) return false;
  const lt = lb.get(la.typeId) as Extract<BtfType, { kind: 'struct' | 'union' }>;
  const lm = lt.members[la.idx]!;
  for (let i = 0; i < tt.members.length; i++) {
    const m = tt.members[i]!;
    spec.bitOffset += m.bitOffset;
    if (m.name === '') {
      const found = matchMember(lb, la, tb, m.type, spec);
      if (found !== false) return found;
    } else if (m.name === lm.name) {
      if (!fieldsCompat(lb, lm.type, tb, m.type)) return false;
      spec.acc.push({ typeId: tb.resolveId(tid), idx: i, name: m.name });
      return m.type;
    }
    spec.bitOffset -= m.bitOffset;
  }
  return false;
}

/** bpf_core_spec_match: the target spec for candidate `targId`, or null when it does not match. */
function specMatch(local: Spec, kind: number, tb: Btf, targId: number): Spec | null {
  const spec: Spec = { btf: tb, root: targId, acc: [], bitOffset: 0, raw: [] };
  if (isType(kind)) return typesCompat(local.btf, local.root, tb, targId) ? spec : null;
  if (isEnumval(kind)) {
    const id = tb.resolveId(targId), t = tb.get(id);
    if (!anyEnum(t)) return null;
    const want = essentialName(local.acc[0]!.name!);
    const i = t.values.findIndex((v) => essentialName(v.name) === want);
    if (i < 0) return null;
    spec.acc.push({ typeId: id, idx: i, name: t.values[i]!.name });
    return spec;
  }
  let tid = targId;
  for (let i = 0; i < local.acc.length; i++) {
    const la = local.acc[i]!;
    tid = tb.resolveId(tid);
    if (la.name) {
      const next = matchMember(local.btf, la, tb, tid, spec);
      if (next === false || next === null) return null;
      tid = next;
    } else {
      if (i > 0) {
        const t = tb.get(tid);
        if (t.kind !== 'array') return null;
        if (!isFlexArr(tb, spec.acc[spec.acc.length - 1]!, t.nelems) && la.idx >= t.nelems) return null;
        tid = tb.resolveId(t.type);
      }
      spec.acc.push({ typeId: tid, idx: la.idx, name: null });
      spec.bitOffset += la.idx * sizeOf(tb, tid) * 8;
    }
  }
  return spec;
}

interface FieldVal { value: bigint; size?: number; typeId?: number }

/** bpf_core_calc_field_relo for an existing field (FIELD_EXISTS is decided by the caller). */
function fieldValue(spec: Spec, kind: number): FieldVal {
  const acc = spec.acc[spec.acc.length - 1]!;
  const b = spec.btf;
  if (!acc.name) {
    if (kind === CORE.FIELD_BYTE_OFFSET) return { value: BigInt(spec.bitOffset / 8), size: sizeOf(b, acc.typeId), typeId: acc.typeId };
    if (kind === CORE.FIELD_BYTE_SIZE) return { value: BigInt(sizeOf(b, acc.typeId)) };
    throw new SpecError(`${kindName(kind)} of an array element`);
  }
  const t = b.get(acc.typeId) as Extract<BtfType, { kind: 'struct' | 'union' }>;
  const m = t.members[acc.idx]!;
  const fieldTypeId = b.resolveId(m.type);
  const mt = b.get(fieldTypeId);
  const bitOff = spec.bitOffset;
  let bitSz = m.bitfieldSize;
  const bitfield = bitSz > 0;
  let byteSz: number, byteOff: number;
  if (bitfield) {
    byteSz = (mt as { size: number }).size;
    byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
      if (byteSz >= 8) throw new SpecError('bitfield cannot be read with a 64-bit load');
      byteSz *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    }
  } else {
    byteSz = sizeOf(b, fieldTypeId);
    byteOff = Math.floor(bitOff / 8);
    bitSz = byteSz * 8;
  }
  switch (kind) {
    case CORE.FIELD_BYTE_OFFSET: return bitfield ? { value: BigInt(byteOff) } : { value: BigInt(byteOff), size: byteSz, typeId: fieldTypeId };
    case CORE.FIELD_BYTE_SIZE: return { value: BigInt(byteSz) };
    case CORE.FIELD_SIGNED: return { value: (anyEnum(mt) && mt.signed) || (mt.kind === 'int' && mt.signed) ? 1n : 0n };
    case CORE.FIELD_LSHIFT_U64: return { value: BigInt(64 - (bitOff + bitSz - byteOff * 8)) };
    case CORE.FIELD_RSHIFT_U64: return { value: BigInt(64 - bitSz) };
    default: throw new SpecError(`unknown field relocation ${kind}`);
  }
}

/** bpf_core_calc_relo for one candidate's spec (null: no candidate matched). */
function calc(local: Spec, target: Spec | null, kind: number): CoreOutcome {
  if (isField(kind)) {
    if (kind === CORE.FIELD_EXISTS) return { kind: 'value', value: target ? 1n : 0n };
    if (!target) return { kind: 'poison', spec: formatSpec(local, kind) };
    const orig = fieldValue(local, kind), now = fieldValue(target, kind);
    let failMemSize = false;
    if (orig.size !== undefined && now.size !== undefined && orig.size !== now.size) {
      // only pointers and unsigned integers may be loaded with another width (bpf_core_calc_relo)
      const ot = local.btf.get(orig.typeId!), nt = target.btf.get(now.typeId!);
      const ok = (ot.kind === 'ptr' && nt.kind === 'ptr') || (ot.kind === 'int' && nt.kind === 'int' && !ot.signed && !nt.signed);
      failMemSize = !ok;
    }
    return { kind: 'value', value: now.value, ...(now.size !== undefined && orig.size !== now.size ? { size: now.size } : {}),
      ...(failMemSize ? { badMemSize: formatSpec(local, kind) } : {}) };
  }
  if (isType(kind)) {
    if (!target) return { kind: 'value', value: 0n };
    switch (kind) {
      case CORE.TYPE_ID_TARGET: return { kind: 'value', value: BigInt(target.root) };
      case CORE.TYPE_EXISTS: case CORE.TYPE_MATCHES: return { kind: 'value', value: 1n };
      case CORE.TYPE_SIZE: return { kind: 'value', value: BigInt(sizeOf(target.btf, target.root)) };
    }
  }
  if (kind === CORE.ENUMVAL_EXISTS) return { kind: 'value', value: target ? 1n : 0n };
  if (!target) return { kind: 'poison', spec: formatSpec(local, kind) };
  const e = target.btf.get(target.acc[0]!.typeId) as Extract<BtfType, { kind: 'enum' | 'enum64' }>;
  return { kind: 'value', value: BigInt.asUintN(64, e.values[target.acc[0]!.idx]!.value) };
}

const candIndex = new WeakMap<Btf, Map<string, number[]>>();
/** Target types by essential name (bpf_core_add_cands compares names modulo the flavor suffix). */
function candidatesByName(tb: Btf): Map<string, number[]> {
  let idx = candIndex.get(tb);
  if (idx) return idx;
  idx = new Map();
  for (let id = 1; id < tb.count; id++) {
    const t = tb.get(id);
    if (!t.name) continue;
    const n = essentialName(t.name);
    const list = idx.get(n);
    if (list) list.push(id); else idx.set(n, [id]);
  }
  candIndex.set(tb, idx);
  return idx;
}

const KIND_STR = ['byte_off', 'byte_sz', 'field_exists', 'signed', 'lshift_u64', 'rshift_u64', 'local_type_id',
  'target_type_id', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches'];

/** bpf_core_format_spec: how libbpf names a relocation in "failed to resolve CO-RE relocation %s". */
function formatSpec(spec: Spec, kind: number): string {
  const b = spec.btf, t = b.get(spec.root);
  let out = `<${KIND_STR[kind] ?? 'unknown'}> [${spec.root}] ${t.kind === 'void' ? 'void' : t.kind} ${t.name || '<anon>'}`;
  if (isType(kind)) return out;
  if (isEnumval(kind)) {
    const e = b.resolve(spec.root) as Extract<BtfType, { kind: 'enum' | 'enum64' }>;
    const v = e.values[spec.raw[0]!]!;
    return `${out}::${v.name} = ${e.signed ? BigInt.asIntN(e.kind === 'enum' ? 32 : 64, v.value) : BigInt.asUintN(e.kind === 'enum' ? 32 : 64, v.value)}`;
  }
  spec.acc.forEach((a, i) => { if (a.name) out += `.${a.name}`; else if (i > 0 || a.idx > 0) out += `[${a.idx}]`; });
  const off = spec.bitOffset % 8 ? `${Math.floor(spec.bitOffset / 8)}.${spec.bitOffset % 8}` : `${spec.bitOffset / 8}`;
  return `${out} (${spec.raw.join(':')} @ offset ${off})`;
}

const sameValue = (a: CoreOutcome, b: CoreOutcome): boolean =>
  a.kind === b.kind && (a.kind !== 'value' || (b.kind === 'value' && a.value === b.value));

/** bpf_core_apply_relo + bpf_core_calc_relo_insn: the outcome of one relocation. */
export function coreOutcome(local: Btf, target: Btf | null, r: CoreRelo): CoreOutcome {
  const what = `CO-RE ${kindName(r.kind)} relocation of ${local.typeName(r.typeId)} (access ${r.accessStr})`;
  try {
    if (r.kind === CORE.TYPE_ID_LOCAL) return { kind: 'value', value: BigInt(r.typeId) };
    if (r.kind > CORE.TYPE_MATCHES) return { kind: 'error', reason: `${what}: unknown relocation kind` };
    if (!target) return { kind: 'unsupported', reason: `${what} needs the target kernel's BTF (give the model the kernel: bpf-verdict run)` };
    if (r.kind === CORE.TYPE_MATCHES) return { kind: 'unsupported', reason: `${what}: bpf_core_types_match is not modelled` };
    const lt = local.get(r.typeId);
    if (!lt.name) return { kind: 'error', reason: `${what}: relocation doesn't support anonymous types` };
    const localSpec = parseSpec(local, r);
    const want = essentialName(lt.name);
    let chosen: CoreOutcome | null = null;
    for (const id of candidatesByName(target).get(want) ?? []) {
      if (target.get(id).kind !== lt.kind) continue;
      const ts = specMatch(localSpec, r.kind, target, id);
      if (!ts) continue;
      const out = calc(localSpec, ts, r.kind);
      if (chosen && !sameValue(chosen, out)) return { kind: 'error', reason: `${what}: relocation decision ambiguity` };
      chosen ??= out;
    }
    return chosen ?? calc(localSpec, null, r.kind);
  } catch (e) {
    if (e instanceof SpecError) return { kind: 'error', reason: `${what}: ${e.message}` };
    throw e;
  }
}
