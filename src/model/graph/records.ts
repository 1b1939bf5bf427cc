// btf_record computation from program BTF, mirroring kernel/bpf/btf.c (6.12.117):
//   btf_parse_struct_metas  -> structMetas()  (at BTF load: every struct with a direct special member)
//   btf_parse_fields         -> parseFields()  (special fields of a struct / map value / datasec)
//   btf_check_and_fixup_fields, btf_check_ownership_depth (BTF load); map_check_btf is map-records.ts.
// Failures are what the kernel reports as an errno from BPF_BTF_LOAD / BPF_MAP_CREATE with no
// verifier log: they come back as data (RecordError, with a rule id of rules/graph.ts).
import type { RuleId } from '../../rules/index.js';
import type { Btf, BtfType } from '../../btf/types.js';

export type FieldType =
  | 'spin_lock' | 'timer' | 'wq' | 'list_head' | 'list_node' | 'rb_root' | 'rb_node' | 'refcount'
  | 'kptr_unref' | 'kptr_ref' | 'kptr_percpu';

/** btf_field_type_name(): the name the kernel prints in messages. */
export function fieldTypeName(t: FieldType): string {
  switch (t) {
    case 'spin_lock': return 'bpf_spin_lock';
    case 'timer': return 'bpf_timer';
    case 'wq': return 'bpf_wq';
    case 'list_head': return 'bpf_list_head';
    case 'list_node': return 'bpf_list_node';
    case 'rb_root': return 'bpf_rb_root';
    case 'rb_node': return 'bpf_rb_node';
    case 'refcount': return 'bpf_refcount';
    case 'kptr_unref': case 'kptr_ref': return 'kptr';
    case 'kptr_percpu': return 'percpu_kptr';
  }
}

/** uapi sizes / alignments in 6.12 (bpf_list_node and bpf_rb_node carry the owner word since 6.4). */
const SIZE: Record<FieldType, [size: number, align: number]> = {
  spin_lock: [4, 4], timer: [16, 8], wq: [16, 8], list_head: [16, 8], list_node: [24, 8], rb_root: [16, 8],
  rb_node: [32, 8], refcount: [4, 4], kptr_unref: [8, 8], kptr_ref: [8, 8], kptr_percpu: [8, 8],
};
export const fieldSize = (t: FieldType): number => SIZE[t][0];

export interface GraphRootInfo {
  valueTypeId: number;     // program-BTF id of the __contains struct
  valueName: string;
  nodeName: string;
  nodeOffset: number;      // offset of the node field inside the value struct
}

export interface BtfField {
  type: FieldType;
  offset: number;
  size: number;
  graphRoot?: GraphRootInfo;
  /** kptr pointee (program BTF id, after modifiers), its name, and whether the kernel resolved it
   *  to a KERNEL type of the same name (btf_parse_kptr looks the name up in vmlinux first). */
  kptr?: { typeId: number; name: string; kernel: boolean };
}

export interface BtfRecord {
  fields: BtfField[];      // sorted by offset
  spinLockOff: number;     // -EINVAL (-22) when absent, as the kernel stores it (printed by graph.root.lock_not_held)
  refcountOff: number;     // -22 when absent
  has(t: FieldType | 'kptr'): boolean;
  /** btf_record_find(): the field of one of `types` starting exactly at `off`. */
  find(off: number, ...types: (FieldType | 'kptr')[]): BtfField | null;
}

export interface RecordError { rule: RuleId; errno: number; detail: string }

/**
 * What the kernel's BTF says about a struct name (bpf_find_btf_id): absent (the pointee is a
 * program-local type), a kernel struct with a registered kptr destructor, or one without.
 */
export type KernelTypes = (structName: string) => 'none' | 'dtor' | 'nodtor';
const noKernelTypes: KernelTypes = () => 'none';
export type RecordResult = { ok: true; record: BtfRecord | null } | { ok: false; error: RecordError };

const ERR = (rule: RuleId, errno: number, detail: string): RecordResult => ({ ok: false, error: { rule, errno, detail } });
const E2BIG = 7, EINVAL = 22, ENOENT = 2, EEXIST = 17, EFAULT = 14, ELOOP = 40;
const BTF_FIELDS_MAX = 11;
const MAX_RESOLVE_DEPTH = 32;

const STRUCT_MASK: FieldType[] = ['spin_lock', 'list_head', 'list_node', 'rb_root', 'rb_node', 'refcount', 'kptr_ref'];
export const MAP_MASK: FieldType[] = ['spin_lock', 'timer', 'kptr_ref', 'list_head', 'rb_root', 'refcount', 'wq'];

function makeRecord(fields: BtfField[]): BtfRecord {
  const sorted = [...fields].sort((x, y) => x.offset - y.offset);
  const off = (t: FieldType) => sorted.find((f) => f.type === t)?.offset ?? -EINVAL;
  const isKptr = (t: FieldType) => t === 'kptr_ref' || t === 'kptr_unref' || t === 'kptr_percpu';
  const matches = (f: BtfField, t: FieldType | 'kptr') => (t === 'kptr' ? isKptr(f.type) : f.type === t);
  return {
    fields: sorted,
    spinLockOff: off('spin_lock'),
    refcountOff: off('refcount'),
    has: (t) => sorted.some((f) => matches(f, t)),
    find: (o, ...types) => sorted.find((f) => f.offset === o && types.some((t) => matches(f, t))) ?? null,
  };
}

interface Info { type: FieldType; off: number; root?: { valueTypeId: number; nodeName: string }; kptrTypeId?: number }
class FindError { constructor(readonly rule: RuleId, readonly errno: number, readonly detail: string) {} }

const isStruct = (t: BtfType): t is Extract<BtfType, { kind: 'struct' | 'union' }> => t.kind === 'struct' || t.kind === 'union';

/** btf_get_field_type(): by the (unresolved) type's name, as the kernel compares names. */
function fieldTypeOf(t: BtfType, mask: FieldType[], seen: Set<FieldType>): FieldType | null {
  const unique: Record<string, FieldType> = { bpf_spin_lock: 'spin_lock', bpf_timer: 'timer', bpf_wq: 'wq', bpf_refcount: 'refcount' };
  const plain: Record<string, FieldType> = { bpf_list_head: 'list_head', bpf_list_node: 'list_node', bpf_rb_root: 'rb_root', bpf_rb_node: 'rb_node' };
  const u = unique[t.name];
  if (u && mask.includes(u)) {
    if (seen.has(u)) throw new FindError('btf.record.duplicate_unique', E2BIG, `more than one ${fieldTypeName(u)}`);
    seen.add(u);
    return u;
  }
  const p = plain[t.name];
  if (p && mask.includes(p)) return p;
  if (mask.includes('kptr_ref') && !isStruct(t)) return 'kptr_ref';
  return null;
}

/** btf_find_kptr(): volatile? ptr -> one type_tag (kptr/kptr_untrusted/percpu_kptr) -> struct. */
function findKptr(btf: Btf, t: BtfType): { type: FieldType; typeId: number } | null {
  if (t.kind === 'volatile') t = btf.get(t.type);
  if (t.kind !== 'ptr') return null;
  const tag = btf.get(t.type);
  if (tag.kind !== 'type_tag') return null;
  if (btf.get(tag.type).kind === 'type_tag') throw new FindError('btf.record.bad_kptr', EINVAL, 'two type tags on a kptr');
  const type: FieldType | undefined = ({ kptr_untrusted: 'kptr_unref', kptr: 'kptr_ref', percpu_kptr: 'kptr_percpu' } as Record<string, FieldType>)[tag.name];
  if (!type) throw new FindError('btf.record.bad_kptr', EINVAL, `unknown pointer type tag "${tag.name}"`);
  const id = btf.resolveId(tag.type);
  if (!isStruct(btf.get(id))) throw new FindError('btf.record.bad_kptr', EINVAL, 'kptr to a non-struct');
  return { type, typeId: id };
}

/** btf_find_graph_root(): the "contains:" decl tag on (owner, component). */
function findGraphRoot(btf: Btf, ownerId: number, comp: number, what: string): { valueTypeId: number; nodeName: string } {
  const tags = btf.declTags(ownerId, comp).filter((d) => d.value.startsWith('contains:'));
  if (tags.length !== 1) throw new FindError('btf.record.bad_contains', EINVAL, tags.length ? `${what}: two "contains:" tags` : `${what} has no __contains(type, node) tag`);
  const value = tags[0]!.value.slice('contains:'.length);
  const colon = value.indexOf(':');
  if (colon < 0) throw new FindError('btf.record.bad_contains', EINVAL, `${what}: malformed tag "contains:${value}"`);
  const typeName = value.slice(0, colon);
  const st = btf.find(typeName, 'struct');
  if (!st) throw new FindError('btf.record.contains_type_not_found', ENOENT, `${what}: __contains type "struct ${typeName}" not in program BTF`);
  const nodeName = value.slice(colon + 1);
  if (!nodeName) throw new FindError('btf.record.bad_contains', EINVAL, `${what}: empty node name in "contains:${value}"`);
  return { valueTypeId: st.id, nodeName };
}

/** btf_find_field_one() for one member/variable. Returns the infos found (offsets absolute). */
function findOne(btf: Btf, ownerId: number, comp: number, typeId: number, off: number, expectedSize: number,
  mask: FieldType[], seen: Set<FieldType>, level: number, what: string): Info[] {
  let t = btf.get(typeId);
  let nelems = 1;
  let i = 0;
  for (; i < MAX_RESOLVE_DEPTH && t.kind === 'array'; i++) { nelems *= t.nelems; t = btf.get(t.type); }
  if (i === MAX_RESOLVE_DEPTH) throw new FindError('btf.record.too_many_fields', E2BIG, `${what}: array nesting too deep`);
  if (nelems === 0) return [];
  const ft = fieldTypeOf(t, mask, seen);
  if (!ft && isStruct(t)) {
    if (expectedSize && expectedSize !== t.size * nelems) return [];
    if (level + 1 >= MAX_RESOLVE_DEPTH) throw new FindError('btf.record.too_many_fields', E2BIG, `${what}: nesting too deep`);
    const inner = findStruct(btf, t.id, mask, seen, level + 1, what).map((x) => ({ ...x, off: x.off + off }));
    return repeat(inner, nelems, t.size, what);
  }
  if (!ft) return [];
  const [sz, align] = SIZE[ft];
  if (expectedSize && expectedSize !== sz * nelems) return [];
  if (off % align) return [];
  let info: Info | null = null;
  switch (ft) {
    case 'spin_lock': case 'timer': case 'wq': case 'list_node': case 'rb_node': case 'refcount':
      info = isStruct(t) && t.size === sz ? { type: ft, off } : null; break;
    case 'kptr_ref': case 'kptr_unref': case 'kptr_percpu': {
      const k = findKptr(btf, t);
      info = k ? { type: k.type, off, kptrTypeId: k.typeId } : null; break;
    }
    case 'list_head': case 'rb_root':
      info = isStruct(t) && t.size === sz ? { type: ft, off, root: findGraphRoot(btf, ownerId, comp, what) } : null; break;
  }
  if (!info) return [];
  return repeat([info], nelems, sz, what);
}

/** btf_repeat_fields(): only kptrs and graph roots may be repeated (arrays). */
function repeat(infos: Info[], nelems: number, elemSize: number, what: string): Info[] {
  if (nelems <= 1 || infos.length === 0) return infos;
  for (const x of infos) {
    if (!['kptr_ref', 'kptr_unref', 'kptr_percpu', 'list_head', 'rb_root'].includes(x.type))
      throw new FindError('btf.record.bad_contains', EINVAL, `${what}: array of ${fieldTypeName(x.type)}`);
  }
  if (infos.length * nelems > BTF_FIELDS_MAX) throw new FindError('btf.record.too_many_fields', E2BIG, `${what}: more than ${BTF_FIELDS_MAX} special fields`);
  const out: Info[] = [];
  for (let i = 0; i < nelems; i++) for (const x of infos) out.push({ ...x, off: x.off + i * elemSize });
  return out;
}

function findStruct(btf: Btf, id: number, mask: FieldType[], seen: Set<FieldType>, level: number, what: string): Info[] {
  const t = btf.get(id);
  if (!isStruct(t)) return [];
  const out: Info[] = [];
  t.members.forEach((m, i) => {
    const bitOff = m.bitOffset;
    if (bitOff % 8) throw new FindError('btf.record.bad_contains', EINVAL, `${what}: member at a bit offset`);
    out.push(...findOne(btf, id, i, m.type, bitOff / 8, 0, mask, seen, level, what));
  });
  if (out.length > BTF_FIELDS_MAX) throw new FindError('btf.record.too_many_fields', E2BIG, `${what}: more than ${BTF_FIELDS_MAX} special fields`);
  return out;
}

function describe(btf: Btf, id: number): string {
  const t = btf.get(id);
  return t.kind === 'datasec' ? `section ${t.name}` : btf.typeName(id);
}

/** btf_parse_fields(): the record of struct/datasec `id` for `mask`, or the BTF/map error. */
export function parseFields(btf: Btf, id: number, mask: FieldType[], valueSize: number, kernelTypes: KernelTypes = noKernelTypes): RecordResult {
  const what = describe(btf, id);
  let infos: Info[];
  try {
    const t = btf.get(id);
    const seen = new Set<FieldType>();
    if (isStruct(t)) infos = findStruct(btf, id, mask, seen, 0, what);
    else if (t.kind === 'datasec') {
      infos = [];
      for (const v of t.vars) {
        const vt = btf.get(v.type);
        if (vt.kind !== 'var') continue;
        infos.push(...findOne(btf, v.type, -1, vt.type, v.offset, v.size, mask, seen, 0, `${what} variable ${vt.name}`));
      }
      if (infos.length > BTF_FIELDS_MAX) throw new FindError('btf.record.too_many_fields', E2BIG, `${what}: more than ${BTF_FIELDS_MAX} special fields`);
    } else return ERR('btf.record.bad_contains', EINVAL, `${what} is neither a struct nor a data section`);
  } catch (e) {
    if (e instanceof FindError) return ERR(e.rule, e.errno, e.detail);
    throw e;
  }
  if (infos.length === 0) return { ok: true, record: null };
  const fields: BtfField[] = [];
  let nextOff = 0;
  // The kernel walks the infos in discovery order (not sorted) for the overlap check.
  for (const x of infos) {
    const size = fieldSize(x.type);
    if (x.off + size > valueSize) return ERR('btf.record.overlap', EFAULT, `${what}: ${fieldTypeName(x.type)} at ${x.off} beyond the value size ${valueSize}`);
    if (x.off < nextOff) return ERR('btf.record.overlap', EEXIST, `${what}: ${fieldTypeName(x.type)} at offset ${x.off} overlaps the previous special field`);
    nextOff = x.off + size;
    const f: BtfField = { type: x.type, offset: x.off, size };
    if (x.root) {
      const node = parseGraphRoot(btf, x.type, x.root, what);
      if ('rule' in node) return { ok: false, error: node };
      f.graphRoot = node;
    }
    if (x.kptrTypeId !== undefined) {
      // btf_parse_kptr(): a name found in the kernel's BTF makes it a kernel kptr; a referenced
      // one needs a registered destructor (btf_find_dtor_kfunc) or the BTF is refused.
      const name = btf.get(x.kptrTypeId).name;
      const k = kernelTypes(name);
      if (k === 'nodtor' && x.type === 'kptr_ref')
        return ERR('btf.record.kernel_kptr_no_dtor', ENOENT, `${what}: __kptr to struct ${name}, which is a kernel type without a kptr destructor`);
      f.kptr = { typeId: x.kptrTypeId, name, kernel: k !== 'none' };
    }
    fields.push(f);
  }
  const rec = makeRecord(fields);
  if ((rec.has('list_head') || rec.has('rb_root')) && rec.spinLockOff < 0)
    return ERR('btf.record.root_without_lock', EINVAL, `${what} has a bpf_list_head/bpf_rb_root but no bpf_spin_lock`);
  if (rec.refcountOff < 0 && rec.has('list_node') && rec.has('rb_node'))
    return ERR('btf.record.list_and_rb_node_without_refcount', EINVAL, `${what} has both bpf_list_node and bpf_rb_node but no bpf_refcount`);
  return { ok: true, record: rec };
}

/** btf_parse_graph_root(): locate the named node member in the value struct. */
function parseGraphRoot(btf: Btf, type: FieldType, root: { valueTypeId: number; nodeName: string }, what: string): GraphRootInfo | RecordError {
  const value = btf.get(root.valueTypeId);
  const nodeType = type === 'list_head' ? 'bpf_list_node' : 'bpf_rb_node';
  const members = isStruct(value) ? value.members.filter((m) => m.name === root.nodeName) : [];
  if (members.length === 0) return { rule: 'btf.record.contains_node_not_found', errno: ENOENT, detail: `${what}: struct ${value.name} has no member "${root.nodeName}"` };
  if (members.length > 1) return { rule: 'btf.record.contains_node_bad', errno: EINVAL, detail: `${what}: struct ${value.name} has two members "${root.nodeName}"` };
  const m = members[0]!;
  const n = btf.get(m.type);
  if (!isStruct(n) || n.name !== nodeType) return { rule: 'btf.record.contains_node_bad', errno: EINVAL, detail: `${what}: ${value.name}.${root.nodeName} is not a struct ${nodeType}` };
  if (m.bitOffset % 8 || (m.bitOffset / 8) % 8) return { rule: 'btf.record.contains_node_bad', errno: EINVAL, detail: `${what}: ${value.name}.${root.nodeName} is misaligned` };
  return { valueTypeId: root.valueTypeId, valueName: value.name, nodeName: root.nodeName, nodeOffset: m.bitOffset / 8 };
}

/** The program BTF's struct metas (btf_parse_struct_metas + fixup + ownership depth), or the BTF-load error. */
export type MetasResult = { ok: true; metas: Map<number, BtfRecord> } | { ok: false; error: RecordError };

export function structMetas(btf: Btf, kernelTypes: KernelTypes = noKernelTypes): MetasResult {
  const special = new Set<number>();
  for (const n of ['bpf_spin_lock', 'bpf_list_head', 'bpf_list_node', 'bpf_rb_root', 'bpf_rb_node', 'bpf_refcount']) {
    const t = btf.find(n, 'struct');
    if (t) special.add(t.id);
  }
  for (const t of btf.types) {
    try { if (t.id && findKptr(btf, t)) special.add(t.id); } catch { /* btf_find_kptr errors only skip here */ }
  }
  const metas = new Map<number, BtfRecord>();
  if (special.size === 0) return { ok: true, metas };
  for (const t of btf.types) {
    if (!isStruct(t) || !t.members.some((m) => special.has(m.type))) continue;
    const res = parseFields(btf, t.id, STRUCT_MASK, t.size, kernelTypes);
    if (!res.ok) return res;
    if (!res.record) return { ok: false, error: { rule: 'btf.record.overlap', errno: EFAULT, detail: `struct ${t.name}: empty record` } };
    metas.set(t.id, res.record);
  }
  for (const [, rec] of metas) {
    const err = checkRoots(btf, rec, metas);
    if (err) return { ok: false, error: err };
  }
  const err = checkOwnershipDepth(btf, metas);
  return err ? { ok: false, error: err } : { ok: true, metas };
}

/** btf_check_and_fixup_fields(): each root's value type must have a struct meta. */
export function checkRoots(btf: Btf, rec: BtfRecord, metas: Map<number, BtfRecord>): RecordError | null {
  for (const f of rec.fields) {
    if (f.graphRoot && !metas.has(f.graphRoot.valueTypeId))
      return { rule: 'btf.record.contains_type_no_meta', errno: EFAULT, detail: `${fieldTypeName(f.type)} contains struct ${btf.get(f.graphRoot.valueTypeId).name}, which has no special field` };
  }
  return null;
}

/** btf_check_ownership_depth() (6.12.y backport): ownership edges via roots and local kptrs, depth <= 8, no cycles. */
function checkOwnershipDepth(btf: Btf, metas: Map<number, BtfRecord>): RecordError | null {
  const depth = new Map<number, number>();
  const visit = (id: number, left: number): number => {
    if (!left) return -1;
    const known = depth.get(id);
    if (known === undefined) {
      let max = 0;
      for (const f of metas.get(id)!.fields) {
        const owned = f.graphRoot?.valueTypeId ?? ((f.type === 'kptr_ref' || f.type === 'kptr_percpu') && !f.kptr?.kernel ? f.kptr?.typeId : undefined);
        if (owned === undefined || !metas.has(owned)) continue;
        const d = visit(owned, left - 1);
        if (d < 0) return -1;
        max = Math.max(max, d);
      }
      depth.set(id, max + 1);
    }
    const d = depth.get(id)!;
    return d > left ? -1 : d;
  };
  for (const id of metas.keys()) {
    if (visit(id, 8) < 0) return { rule: 'btf.record.ownership_depth', errno: ELOOP, detail: `ownership through ${btf.typeName(id)} is cyclic or deeper than 8` };
  }
  return null;
}
