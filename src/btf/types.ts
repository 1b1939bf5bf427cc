// The BTF type model (program BTF from .BTF) and its lookup API.
// Plain data (BtfType union, one variant per BTF_KIND_*) plus `Btf`, a read-only view with the
// lookups the model needs: resolve through typedef/modifiers, sizes, member offsets, names, decl tags.
// Kind numbers and layouts follow include/uapi/linux/btf.h; parse.ts builds a Btf from bytes.

/** BTF_KIND_* numbers, as in include/uapi/linux/btf.h. */
export const BTF_KIND = {
  UNKN: 0, INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9,
  CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17,
  TYPE_TAG: 18, ENUM64: 19,
} as const;

export type Linkage = 'static' | 'global' | 'extern';

export interface BtfMember {
  name: string;          // '' for anonymous struct/union members
  type: number;
  bitOffset: number;     // offset from the start of the struct, in bits
  bitfieldSize: number;  // 0 when not a bitfield
}

export interface BtfParam { name: string; type: number }   // type 0 + last param = variadic '...'
export interface BtfEnumValue { name: string; value: bigint }
export interface BtfVarSecinfo { type: number; offset: number; size: number }

interface Base { id: number; name: string }
interface Composite { size: number; members: BtfMember[] }
interface EnumBody { size: number; signed: boolean; values: BtfEnumValue[] }
interface Ref { type: number }

/** One variant per kind, so `Extract<BtfType, { kind: 'struct' }>` narrows as expected. */
export type BtfType =
  | Base & { kind: 'void' }                                                      // id 0 only
  | Base & { kind: 'int'; size: number; signed: boolean; char: boolean; bool: boolean; bits: number; bitOffset: number }
  | Base & Ref & { kind: 'ptr' }
  | Base & { kind: 'array'; type: number; indexType: number; nelems: number }
  | Base & Composite & { kind: 'struct' }
  | Base & Composite & { kind: 'union' }
  | Base & EnumBody & { kind: 'enum' }
  | Base & EnumBody & { kind: 'enum64' }
  | Base & { kind: 'fwd'; fwdKind: 'struct' | 'union' }
  | Base & Ref & { kind: 'typedef' }
  | Base & Ref & { kind: 'volatile' }
  | Base & Ref & { kind: 'const' }
  | Base & Ref & { kind: 'restrict' }
  | Base & Ref & { kind: 'type_tag' }
  | Base & Ref & { kind: 'func'; linkage: Linkage }                              // type = FUNC_PROTO id
  | Base & { kind: 'func_proto'; returnType: number; params: BtfParam[] }
  | Base & Ref & { kind: 'var'; linkage: Linkage }
  | Base & { kind: 'datasec'; size: number; vars: BtfVarSecinfo[] }
  | Base & { kind: 'float'; size: number }
  | Base & Ref & { kind: 'decl_tag'; componentIdx: number };                    // componentIdx -1: the type itself

/** The variant of one kind: `BtfOf<'struct'>`. */
export type BtfOf<K extends BtfType['kind']> = Extract<BtfType, { kind: K }>;

export type BtfKindName = BtfType['kind'];

/** Kinds that only qualify another type (skipped by `resolve`). */
const MODIFIERS = new Set<BtfKindName>(['typedef', 'volatile', 'const', 'restrict', 'type_tag']);
/** Mirrors MAX_RESOLVE_DEPTH in the kernel's btf.c: a chain longer than this is a loop. */
export const MAX_RESOLVE_DEPTH = 32;

/** A decl tag as attached: `componentIdx` -1 for the type itself, else the member/param index. */
export interface DeclTag { value: string; componentIdx: number; tagId: number }

/** Read-only view over parsed BTF. Ids are BTF type ids (0 = void). */
export class Btf {
  private byName = new Map<string, BtfType[]>();
  private tags = new Map<number, DeclTag[]>();

  constructor(readonly types: readonly BtfType[]) {
    for (const t of types) {
      if (t.name) {
        const list = this.byName.get(t.name);
        if (list) list.push(t); else this.byName.set(t.name, [t]);
      }
      if (t.kind === 'decl_tag') {
        const list = this.tags.get(t.type) ?? [];
        list.push({ value: t.name, componentIdx: t.componentIdx, tagId: t.id });
        this.tags.set(t.type, list);
      }
    }
  }

  get count(): number { return this.types.length; }

  /** The type with this id; throws RangeError for an id out of range (parse.ts validates ids). */
  get(id: number): BtfType {
    const t = this.types[id];
    if (!t) throw new RangeError(`BTF type id ${id} out of range (0..${this.types.length - 1})`);
    return t;
  }

  /** Id after skipping typedef/const/volatile/restrict/type_tag. */
  resolveId(id: number): number {
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const t = this.get(id);
      if (!MODIFIERS.has(t.kind)) return id;
      id = (t as { type: number }).type;
    }
    throw new RangeError(`BTF type ${id}: modifier chain longer than ${MAX_RESOLVE_DEPTH}`);
  }

  /** The type after skipping typedef/const/volatile/restrict/type_tag. */
  resolve(id: number): BtfType { return this.get(this.resolveId(id)); }

  /** type_tag values on the way from `id` to the resolved type (e.g. ['percpu_kptr'], ['rcu']). */
  typeTags(id: number): string[] {
    const out: string[] = [];
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const t = this.get(id);
      if (!MODIFIERS.has(t.kind)) break;
      if (t.kind === 'type_tag') out.push(t.name);
      id = (t as { type: number }).type;
    }
    return out;
  }

  /** Byte size of a type (resolving modifiers), null for void/func/func_proto/fwd. */
  sizeOf(id: number): number | null {
    const t = this.resolve(id);
    switch (t.kind) {
      case 'int': case 'struct': case 'union': case 'enum': case 'enum64': case 'datasec': case 'float':
        return t.size;
      case 'ptr': return 8;
      case 'array': { const e = this.sizeOf(t.type); return e === null ? null : e * t.nelems; }
      case 'var': return this.sizeOf(t.type);
      case 'void': case 'fwd': case 'func': case 'func_proto': case 'decl_tag': return null;
      case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag': return null; // unreachable after resolve
    }
  }

  /** All types with this name (optionally of one kind), in id order. */
  findAll(name: string, kind?: BtfKindName): BtfType[] {
    const list = this.byName.get(name) ?? [];
    return kind ? list.filter((t) => t.kind === kind) : list;
  }

  /** The first type with this name (and kind), or null. */
  find(name: string, kind?: BtfKindName): BtfType | null { return this.findAll(name, kind)[0] ?? null; }

  /** Members of a struct/union (after resolving modifiers); [] for other kinds. */
  members(id: number): BtfMember[] {
    const t = this.resolve(id);
    return t.kind === 'struct' || t.kind === 'union' ? t.members : [];
  }

  /**
   * Find a member by name, descending into anonymous struct/union members as C does.
   * Offsets are from the start of the outer type.
   */
  member(id: number, name: string): { member: BtfMember; bitOffset: number; byteOffset: number; index: number } | null {
    const ms = this.members(id);
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!;
      if (m.name === name) return { member: m, bitOffset: m.bitOffset, byteOffset: Math.floor(m.bitOffset / 8), index: i };
      if (m.name === '') {
        const inner = this.member(m.type, name);
        if (inner) {
          const bitOffset = m.bitOffset + inner.bitOffset;
          return { member: inner.member, bitOffset, byteOffset: Math.floor(bitOffset / 8), index: i };
        }
      }
    }
    return null;
  }

  /** Decl tags attached to a type; `componentIdx` selects a member/param (-1 = the type itself, undefined = all). */
  declTags(id: number, componentIdx?: number): DeclTag[] {
    const list = this.tags.get(id) ?? [];
    return componentIdx === undefined ? list : list.filter((t) => t.componentIdx === componentIdx);
  }

  /** C-like spelling for messages: "struct foo", "int", "struct foo *", "u64[4]", "void". */
  typeName(id: number): string {
    const t = this.get(id);
    switch (t.kind) {
      case 'void': return 'void';
      case 'struct': case 'union': case 'enum': return `${t.kind} ${t.name || '(anon)'}`;
      case 'enum64': return `enum ${t.name || '(anon)'}`;
      case 'fwd': return `${t.fwdKind} ${t.name}`;
      case 'ptr': return `${this.typeName(t.type)} *`;
      case 'array': return `${this.typeName(t.type)}[${t.nelems}]`;
      case 'const': case 'volatile': case 'restrict': return `${t.kind} ${this.typeName(t.type)}`;
      case 'type_tag': return `${this.typeName(t.type)} __tag(${t.name})`;
      case 'func_proto': return `${this.typeName(t.returnType)} (*)(${t.params.map((p) => p.type === 0 ? '...' : this.typeName(p.type)).join(', ')})`;
      case 'int': case 'typedef': case 'func': case 'var': case 'datasec': case 'float': case 'decl_tag':
        return t.name;
    }
  }
}
