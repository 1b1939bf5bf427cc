// ELF64 reader for BPF objects: sections, symbols, relocations. Pure: takes bytes, returns data,
// throws InputError naming the file and the problem for anything malformed (never a RangeError
// from deep inside). Only what a BPF object uses: little/big-endian ELF64, SHT_REL relocations.
import { InputError } from '../shared/errors.js';

export const EM_BPF = 247;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9 } as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const SHN_UNDEF = 0;
export const SHN_COMMON = 0xfff2;

export interface ElfSection {
  index: number;
  name: string;
  type: number;          // SHT_*
  flags: number;         // SHF_*
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  /** Contents (empty for SHT_NOBITS such as .bss: its size is in `size`). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;          // STT_*
  bind: number;          // STB_*
  visibility: number;    // STV_* (0 default, 2 hidden)
  shndx: number;         // section index; 0 = undefined (extern)
}

export interface ElfRel { offset: number; symbol: number; type: number }

export interface ElfFile {
  file: string;
  machine: number;
  littleEndian: boolean;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Relocations by the index of the section they apply to (SHT_REL's sh_info). Like libbpf
   * (ignore_elf_section), relocations of DWARF and .BTF/.BTF.ext sections are not read. */
  relocations: Map<number, ElfRel[]>;
  section(name: string): ElfSection | undefined;
}

const DECODER = new TextDecoder();
const HINT = 'rebuild it with clang -target bpf -g -O2 -c, or check the path points at a BPF object';

/** Parse an ELF64 BPF object. `file` is only used in error messages. */
export function readElf(bytes: Uint8Array, file: string): ElfFile {
  const fail = (msg: string): never => { throw new InputError(file, msg, HINT); };
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail('not an ELF file (bad magic)');
  if (bytes.length < 64) fail(`truncated ELF header (${bytes.length} bytes, need 64)`);
  if (bytes[4] !== 2) fail(`not ELF64 (EI_CLASS ${bytes[4]}); BPF objects are 64-bit`);
  if (bytes[5] !== 1 && bytes[5] !== 2) fail(`bad EI_DATA ${bytes[5]}`);
  const le = bytes[5] === 1;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => v.getUint16(o, le);
  const u32 = (o: number) => v.getUint32(o, le);
  const u64 = (o: number) => Number(v.getBigUint64(o, le));
  const machine = u16(18);
  if (machine !== EM_BPF) fail(`not a BPF object (e_machine ${machine}, expected ${EM_BPF} EM_BPF)`);
  if (!le) fail('big-endian BPF objects (bpfeb) are not supported; compile with -target bpf on a little-endian host or -target bpfel');

  const shoff = u64(40), shentsize = u16(58), shnum = u16(60), shstrndx = u16(62);
  if (shnum === 0) fail('no section headers');
  if (shentsize !== 64) fail(`unexpected section header size ${shentsize}`);
  if (shoff + shnum * 64 > bytes.length) fail(`truncated: section headers at ${shoff} need ${shnum * 64} bytes, file has ${bytes.length}`);

  const raw = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * 64;
    return { nameOff: u32(o), type: u32(o + 4), flags: u64(o + 8), offset: u64(o + 24), size: u64(o + 32), link: u32(o + 40), info: u32(o + 44), entsize: u64(o + 56) };
  });
  const sectionData = (i: number): Uint8Array => {
    const s = raw[i]!;
    if (s.type === SHT.NOBITS || s.type === SHT.NULL) return new Uint8Array(0);
    if (s.offset + s.size > bytes.length) fail(`truncated: section #${i} [${s.offset}, +${s.size}) runs past the end of the file (${bytes.length} bytes)`);
    return bytes.subarray(s.offset, s.offset + s.size);
  };
  if (shstrndx >= shnum) fail(`section name table index ${shstrndx} out of range (${shnum} sections)`);
  const shstr = sectionData(shstrndx);
  const str = (tab: Uint8Array, off: number, what: string): string => {
    if (off >= tab.length && !(off === 0 && tab.length === 0)) fail(`${what}: string offset ${off} outside its string table (${tab.length} bytes)`);
    let end = off;
    while (end < tab.length && tab[end] !== 0) end++;
    return DECODER.decode(tab.subarray(off, end));
  };

  const sections: ElfSection[] = raw.map((s, index) => ({
    index, name: str(shstr, s.nameOff, `section #${index} name`), type: s.type, flags: s.flags,
    offset: s.offset, size: s.size, link: s.link, info: s.info, entsize: s.entsize, data: sectionData(index),
  }));

  const symbols: ElfSymbol[] = [];
  const symtab = sections.find((s) => s.type === SHT.SYMTAB);
  if (symtab) {
    if (symtab.link >= shnum) fail(`.symtab links to string table #${symtab.link}, out of range`);
    const strtab = sections[symtab.link]!.data;
    const sv = new DataView(symtab.data.buffer, symtab.data.byteOffset, symtab.data.byteLength);
    if (symtab.data.length % 24 !== 0) fail(`.symtab size ${symtab.data.length} is not a multiple of 24`);
    for (let i = 0, o = 0; o < symtab.data.length; i++, o += 24) {
      const info = sv.getUint8(o + 4);
      symbols.push({
        index: i, name: str(strtab, sv.getUint32(o, le), `symbol #${i} name`), type: info & 0xf, bind: info >> 4,
        visibility: sv.getUint8(o + 5) & 0x3, shndx: sv.getUint16(o + 6, le),
        value: Number(sv.getBigUint64(o + 8, le)), size: Number(sv.getBigUint64(o + 16, le)),
      });
    }
  }

  const relocations = new Map<number, ElfRel[]>();
  for (const s of sections) {
    if (s.type === SHT.RELA) fail(`section ${s.name}: SHT_RELA relocations are not used by BPF objects`);
    if (s.type !== SHT.REL) continue;
    if (/^\.rel(\.debug_|\.BTF$|\.BTF\.ext$)/.test(s.name)) continue;
    if (s.info >= shnum) fail(`section ${s.name} applies to section #${s.info}, out of range`);
    if (s.data.length % 16 !== 0) fail(`section ${s.name} size ${s.data.length} is not a multiple of 16`);
    const rv = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    const list: ElfRel[] = relocations.get(s.info) ?? [];
    for (let o = 0; o < s.data.length; o += 16) {
      const info = rv.getBigUint64(o + 8, le);
      const rel = { offset: Number(rv.getBigUint64(o, le)), symbol: Number(info >> 32n), type: Number(info & 0xffffffffn) };
      if (rel.symbol >= symbols.length) fail(`section ${s.name}: relocation at offset ${rel.offset} names symbol #${rel.symbol}, but .symtab has ${symbols.length}`);
      list.push(rel);
    }
    relocations.set(s.info, list);
  }

  return {
    file, machine, littleEndian: le, sections, symbols, relocations,
    section: (name: string) => sections.find((s) => s.name === name),
  };
}
