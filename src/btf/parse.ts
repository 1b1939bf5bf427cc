// Parse the .BTF section into a Btf (types.ts). Layout per include/uapi/linux/btf.h.
// Every malformed input throws InputError naming the file, the type id and the byte offset.
import { InputError } from '../shared/errors.js';
import { BTF_KIND, Btf, MAX_RESOLVE_DEPTH, type BtfType, type Linkage } from './types.js';

export const BTF_MAGIC = 0xeb9f;
const LINKAGE: Linkage[] = ['static', 'global', 'extern'];

/** Decode a NUL-terminated string at `off` of a string table. */
export function cString(tab: Uint8Array, off: number): string {
  let end = off;
  let ascii = true;
  while (end < tab.length && tab[end] !== 0) { if (tab[end]! >= 0x80) ascii = false; end++; }
  // Names are almost always ASCII: building the string directly avoids TextDecoder's per-call cost.
  if (ascii && end - off < 256) return String.fromCharCode.apply(null, tab.subarray(off, end) as unknown as number[]);
  return DECODER.decode(tab.subarray(off, end));
}
const DECODER = new TextDecoder();

/** Parse `.BTF` bytes. `file` names the object in errors. */
export function parseBtf(bytes: Uint8Array, file: string): Btf {
  const fail = (msg: string): never => {
    throw new InputError(file, `corrupt BTF: ${msg}`, 'rebuild the object with clang-19 -g (BTF comes from debug info); if it was post-processed, check that tool');
  };
  if (bytes.length < 24) fail(`.BTF is ${bytes.length} bytes, shorter than its 24-byte header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint16(0, true);
  if (magic !== BTF_MAGIC) fail(magic === 0x9feb ? 'big-endian BTF is not supported' : `bad magic 0x${magic.toString(16)} (expected 0xeb9f)`);
  const version = v.getUint8(2);
  if (version !== 1) fail(`unsupported BTF version ${version}`);
  const hdrLen = v.getUint32(4, true);
  const typeOff = v.getUint32(8, true), typeLen = v.getUint32(12, true);
  const strOff = v.getUint32(16, true), strLen = v.getUint32(20, true);
  if (hdrLen < 24 || hdrLen > bytes.length) fail(`header length ${hdrLen} out of range`);
  const tStart = hdrLen + typeOff, tEnd = tStart + typeLen, sStart = hdrLen + strOff, sEnd = sStart + strLen;
  if (tEnd > bytes.length) fail(`type section [${tStart}, ${tEnd}) runs past the end of .BTF (${bytes.length} bytes)`);
  if (sEnd > bytes.length) fail(`string section [${sStart}, ${sEnd}) runs past the end of .BTF (${bytes.length} bytes)`);
  const strs = bytes.subarray(sStart, sEnd);
  if (strLen > 0 && strs[0] !== 0) fail('string section does not start with an empty string');

  const types: BtfType[] = [{ id: 0, name: '', kind: 'void' }];
  let o = tStart;
  let id = 1;
  const name = (off: number): string => {
    if (off >= strLen) fail(`type [${id}] at offset ${o}: name offset ${off} outside the string section (${strLen} bytes)`);
    return cString(strs, off);
  };
  const need = (n: number, what: string) => {
    if (o + n > tEnd) fail(`type [${id}] at offset ${o}: truncated ${what} (needs ${n} bytes, ${tEnd - o} left)`);
  };
  const u32 = (at: number) => v.getUint32(at, true);

  while (o < tEnd) {
    need(12, 'type header');
    const nameOff = u32(o), info = u32(o + 4), sizeOrType = u32(o + 8);
    const vlen = info & 0xffff, kind = (info >>> 24) & 0x1f, kflag = info >>> 31 === 1;
    const at = o;
    const nm = name(nameOff);
    o += 12;

    let t: BtfType;
    switch (kind) {
      case BTF_KIND.INT: {
        need(4, 'INT encoding');
        const enc = u32(o); o += 4;
        const e = (enc >>> 24) & 0xf;
        t = { id, name: nm, kind: 'int', size: sizeOrType, signed: (e & 1) !== 0, char: (e & 2) !== 0, bool: (e & 4) !== 0, bits: enc & 0xff, bitOffset: (enc >>> 16) & 0xff };
        break;
      }
      case BTF_KIND.PTR: t = { id, name: nm, kind: 'ptr', type: sizeOrType }; break;
      case BTF_KIND.ARRAY: {
        need(12, 'ARRAY info');
        t = { id, name: nm, kind: 'array', type: u32(o), indexType: u32(o + 4), nelems: u32(o + 8) }; o += 12;
        break;
      }
      case BTF_KIND.STRUCT: case BTF_KIND.UNION: {
        need(12 * vlen, `${vlen} members`);
        const members = [];
        for (let i = 0; i < vlen; i++, o += 12) {
          const off = u32(o + 8);
          members.push({ name: name(u32(o)), type: u32(o + 4), bitOffset: kflag ? off & 0xffffff : off, bitfieldSize: kflag ? off >>> 24 : 0 });
        }
        t = kind === BTF_KIND.STRUCT ? { id, name: nm, kind: 'struct', size: sizeOrType, members } : { id, name: nm, kind: 'union', size: sizeOrType, members };
        break;
      }
      case BTF_KIND.ENUM: {
        need(8 * vlen, `${vlen} enum values`);
        const values = [];
        for (let i = 0; i < vlen; i++, o += 8) {
          const raw = v.getInt32(o + 4, true);
          values.push({ name: name(u32(o)), value: kflag ? BigInt(raw) : BigInt(raw >>> 0) });
        }
        t = { id, name: nm, kind: 'enum', size: sizeOrType, signed: kflag, values };
        break;
      }
      case BTF_KIND.ENUM64: {
        need(12 * vlen, `${vlen} enum64 values`);
        const values = [];
        for (let i = 0; i < vlen; i++, o += 12) {
          const u = (BigInt(u32(o + 8)) << 32n) | BigInt(u32(o + 4));
          values.push({ name: name(u32(o)), value: kflag ? BigInt.asIntN(64, u) : u });
        }
        t = { id, name: nm, kind: 'enum64', size: sizeOrType, signed: kflag, values };
        break;
      }
      case BTF_KIND.FWD: t = { id, name: nm, kind: 'fwd', fwdKind: kflag ? 'union' : 'struct' }; break;
      case BTF_KIND.TYPEDEF: t = { id, name: nm, kind: 'typedef', type: sizeOrType }; break;
      case BTF_KIND.VOLATILE: t = { id, name: nm, kind: 'volatile', type: sizeOrType }; break;
      case BTF_KIND.CONST: t = { id, name: nm, kind: 'const', type: sizeOrType }; break;
      case BTF_KIND.RESTRICT: t = { id, name: nm, kind: 'restrict', type: sizeOrType }; break;
      case BTF_KIND.TYPE_TAG: t = { id, name: nm, kind: 'type_tag', type: sizeOrType }; break;
      case BTF_KIND.FUNC: {
        const linkage = LINKAGE[vlen];
        if (!linkage) fail(`type [${id}] at offset ${at}: FUNC '${nm}' has unknown linkage ${vlen}`);
        t = { id, name: nm, kind: 'func', type: sizeOrType, linkage: linkage! };
        break;
      }
      case BTF_KIND.FUNC_PROTO: {
        need(8 * vlen, `${vlen} params`);
        const params = [];
        for (let i = 0; i < vlen; i++, o += 8) params.push({ name: name(u32(o)), type: u32(o + 4) });
        t = { id, name: nm, kind: 'func_proto', returnType: sizeOrType, params };
        break;
      }
      case BTF_KIND.VAR: {
        need(4, 'VAR linkage');
        const linkage = LINKAGE[u32(o)];
        if (!linkage) fail(`type [${id}] at offset ${at}: VAR '${nm}' has unknown linkage ${u32(o)}`);
        o += 4;
        t = { id, name: nm, kind: 'var', type: sizeOrType, linkage: linkage! };
        break;
      }
      case BTF_KIND.DATASEC: {
        need(12 * vlen, `${vlen} section variables`);
        const vars = [];
        for (let i = 0; i < vlen; i++, o += 12) vars.push({ type: u32(o), offset: u32(o + 4), size: u32(o + 8) });
        t = { id, name: nm, kind: 'datasec', size: sizeOrType, vars };
        break;
      }
      case BTF_KIND.FLOAT: t = { id, name: nm, kind: 'float', size: sizeOrType }; break;
      case BTF_KIND.DECL_TAG: {
        need(4, 'DECL_TAG component index');
        t = { id, name: nm, kind: 'decl_tag', type: sizeOrType, componentIdx: v.getInt32(o, true) }; o += 4;
        break;
      }
      default:
        return fail(`type [${id}] at offset ${at}: unknown kind ${kind}`);
    }
    types.push(t);
    id++;
  }
  validateRefs(types, fail);
  validateLoops(types, fail);
  return new Btf(types);
}

/** Every referenced type id must exist (the kernel's btf_check_all_types does the same). */
function validateRefs(types: BtfType[], fail: (msg: string) => never): void {
  const n = types.length;
  const check = (t: BtfType, ref: number, what: string) => {
    if (ref >= n) fail(`type [${t.id}] '${t.name}' (${t.kind}): ${what} refers to type [${ref}], but there are only ${n - 1} types`);
  };
  for (const t of types) {
    switch (t.kind) {
      case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag': case 'func': case 'var': case 'decl_tag':
        check(t, t.type, 'type'); break;
      case 'array': check(t, t.type, 'element type'); check(t, t.indexType, 'index type'); break;
      case 'struct': case 'union': t.members.forEach((m) => check(t, m.type, `member '${m.name}'`)); break;
      case 'func_proto': check(t, t.returnType, 'return type'); t.params.forEach((p, i) => check(t, p.type, `param #${i}`)); break;
      case 'datasec': t.vars.forEach((s, i) => check(t, s.type, `variable #${i}`)); break;
      case 'void': case 'int': case 'enum': case 'enum64': case 'fwd': case 'float': break;
    }
  }
  // A typedef/modifier cycle would make every later resolve() loop: reject it here, once.
  for (const t of types) {
    let cur: BtfType = t;
    for (let depth = 0; MODIFIER_KINDS.has(cur.kind); depth++) {
      if (depth >= MAX_RESOLVE_DEPTH) fail(`type [${t.id}] '${t.name}': typedef/modifier chain longer than ${MAX_RESOLVE_DEPTH} (a loop?)`);
      cur = types[(cur as { type: number }).type]!;
    }
  }
}
const MODIFIER_KINDS = new Set(['typedef', 'volatile', 'const', 'restrict', 'type_tag']);

/**
 * Reference loops the kernel's BTF check refuses ("Loop detected") and that would make every
 * recursive reader (sizes, names, member lookup, field records) run without end:
 *  - a loop that passes through no struct/union (a PTR to itself, var -> typedef -> var, an array
 *    of itself, a func_proto taking a pointer to itself): legal C always breaks a loop in a struct;
 *  - a struct/union that contains itself by value (through arrays, typedefs, modifiers, not a PTR).
 * Iterative depth-first search (colours), so a long chain cannot overflow the stack either.
 */
function validateLoops(types: BtfType[], fail: (msg: string) => never): void {
  const refs = (t: BtfType): number[] => {
    switch (t.kind) {
      case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag': case 'func': case 'var': case 'array':
        return [t.type];
      case 'func_proto': return [t.returnType, ...t.params.map((p) => p.type)];
      default: return [];  // struct/union/datasec break loops; decl_tag is not followed by readers
    }
  };
  // by value: the struct/union a member's type is, through arrays and modifiers (not a PTR)
  const byValue = (id: number): number | null => {
    for (let depth = 0; depth <= types.length; depth++) {
      const t = types[id]!;
      if (t.kind === 'struct' || t.kind === 'union') return id;
      if (MODIFIER_KINDS.has(t.kind) || t.kind === 'array') id = (t as { type: number }).type;
      else return null;
    }
    return null;
  };
  const contains = (t: BtfType): number[] =>
    t.kind === 'struct' || t.kind === 'union' ? t.members.map((m) => byValue(m.type)).filter((x): x is number => x !== null) : [];
  for (const [edges, what] of [[refs, 'references itself without passing through a struct or union'], [contains, 'contains itself by value']] as const) {
    const colour = new Uint8Array(types.length); // 0 new, 1 on the current path, 2 done
    for (const root of types) {
      if (colour[root.id]) continue;
      const stack: { id: number; next: number[]; i: number }[] = [{ id: root.id, next: edges(root), i: 0 }];
      colour[root.id] = 1;
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (top.i >= top.next.length) { colour[top.id] = 2; stack.pop(); continue; }
        const to = top.next[top.i++]!;
        if (colour[to] === 1) {
          const loop = [...stack.slice(stack.findIndex((s) => s.id === to)).map((s) => s.id), to];
          const t = types[to]!;
          fail(`type [${to}] '${t.name}' (${t.kind}) ${what}: ${loop.map((i) => `[${i}]`).join(' -> ')}`);
        }
        if (colour[to] === 0) { colour[to] = 1; stack.push({ id: to, next: edges(types[to]!), i: 0 }); }
      }
    }
  }
}
