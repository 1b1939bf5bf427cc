// Parse .BTF.ext: func_info, line_info and CO-RE relocation records, grouped by ELF section name.
// Layout per tools/lib/bpf/libbpf_internal.h (struct btf_ext_header and the *_info records).
import { InputError } from '../shared/errors.js';
import { BTF_MAGIC, cString } from './parse.js';

export interface BtfExtFuncInfo { insnOff: number; typeId: number }                  // insnOff in bytes
export interface BtfExtLineInfo { insnOff: number; file: string; line: number; col: number; text: string }
/** bpf_core_relo_kind numbers: 0 FIELD_BYTE_OFFSET ... 6 TYPE_ID_LOCAL, 7 TYPE_ID_TARGET ... 13 TYPE_MATCHES. */
export interface BtfExtCoreRelo { insnOff: number; typeId: number; accessStr: string; kind: number }

export interface BtfExt {
  funcInfo: Map<string, BtfExtFuncInfo[]>;
  lineInfo: Map<string, BtfExtLineInfo[]>;
  coreRelos: Map<string, BtfExtCoreRelo[]>;
}

export const CORE_RELO_KIND = [
  'field_byte_offset', 'field_byte_size', 'field_exists', 'field_signed', 'field_lshift_u64', 'field_rshift_u64',
  'type_id_local', 'type_id_target', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches',
] as const;

/** Parse `.BTF.ext` bytes; `strings` is the .BTF string section (names live there). */
export function parseBtfExt(bytes: Uint8Array, strings: Uint8Array, file: string): BtfExt {
  const fail = (msg: string): never => {
    throw new InputError(file, `corrupt .BTF.ext: ${msg}`, 'rebuild the object with clang-19 -g; .BTF.ext must match .BTF');
  };
  if (bytes.length < 24) fail(`${bytes.length} bytes, shorter than its header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number) => v.getUint32(o, true);
  if (v.getUint16(0, true) !== BTF_MAGIC) fail(`bad magic 0x${v.getUint16(0, true).toString(16)}`);
  const hdrLen = u32(4);
  if (hdrLen < 24 || hdrLen > bytes.length) fail(`header length ${hdrLen} out of range`);
  const str = (off: number, what: string): string => {
    if (off >= strings.length) fail(`${what}: string offset ${off} outside the .BTF string section`);
    return cString(strings, off);
  };

  /** Walk one info block: rec_size, then {sec_name_off, num_info, records...}*. */
  function block<T>(name: string, off: number, len: number, minRec: number, rec: (o: number) => T): Map<string, T[]> {
    const out = new Map<string, T[]>();
    if (len === 0) return out;
    const start = hdrLen + off, end = start + len;
    if (end > bytes.length || len < 4) fail(`${name} [${start}, ${end}) runs past the end (${bytes.length} bytes)`);
    const recSize = u32(start);
    if (recSize < minRec) fail(`${name} record size ${recSize} < ${minRec}`);
    let o = start + 4;
    while (o < end) {
      if (o + 8 > end) fail(`${name}: truncated section header at offset ${o}`);
      const sec = str(u32(o), `${name} section name`), n = u32(o + 4);
      o += 8;
      if (o + n * recSize > end) fail(`${name} for ${sec}: ${n} records of ${recSize} bytes run past the end at offset ${o}`);
      const list = out.get(sec) ?? [];
      for (let i = 0; i < n; i++, o += recSize) list.push(rec(o));
      out.set(sec, list);
    }
    return out;
  }

  const funcInfo = block('func_info', u32(8), u32(12), 8, (o) => ({ insnOff: u32(o), typeId: u32(o + 4) }));
  const lineInfo = block('line_info', u32(16), u32(20), 16, (o) => {
    const lc = u32(o + 12);
    return { insnOff: u32(o), file: str(u32(o + 4), 'line_info file'), text: str(u32(o + 8), 'line_info line'), line: lc >>> 10, col: lc & 0x3ff };
  });
  const coreRelos = hdrLen >= 32
    ? block('core_relo', u32(24), u32(28), 16, (o) => ({ insnOff: u32(o), typeId: u32(o + 4), accessStr: str(u32(o + 8), 'core_relo access string'), kind: u32(o + 12) }))
    : new Map<string, BtfExtCoreRelo[]>();
  return { funcInfo, lineInfo, coreRelos };
}

/** The string section of raw .BTF bytes (for parseBtfExt), assuming parseBtf accepted them. */
export function btfStrings(btfBytes: Uint8Array): Uint8Array {
  const v = new DataView(btfBytes.buffer, btfBytes.byteOffset, btfBytes.byteLength);
  const hdrLen = v.getUint32(4, true), strOff = v.getUint32(16, true), strLen = v.getUint32(20, true);
  return btfBytes.subarray(hdrLen + strOff, hdrLen + strOff + strLen);
}
