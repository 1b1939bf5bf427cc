// Classify each ELF relocation of a code section the way libbpf's bpf_program__record_reloc does,
// and read CO-RE records per instruction. Pure: ELF + BTF + maps in, per-instruction table out.
import { InputError } from '../shared/errors.js';
import type { Btf } from '../btf/types.js';
import type { BtfExt, BtfExtCoreRelo } from '../btf/ext.js';
import { SHN_UNDEF, STT, type ElfFile, type ElfSection } from '../elf/reader.js';
import type { BpfMap } from './types.js';
import { dataSectionKind, type PlacedMap } from './maps.js';

/** libbpf's reloc_desc types, with what each needs. */
export type SecReloc =
  | { type: 'call'; symOff: number; symbol: string }               // RELO_CALL: subprog call into .text
  | { type: 'subprog_addr'; symOff: number; symbol: string }       // RELO_SUBPROG_ADDR: ld_imm64 of a function
  | { type: 'map'; map: BpfMap }                                   // RELO_LD64
  | { type: 'data'; map: BpfMap; symOff: number }                  // RELO_DATA
  | { type: 'extern_call'; name: string; btfTypeId: number | null } // RELO_EXTERN_CALL (kfunc)
  | { type: 'extern_ld'; name: string; typed: boolean };           // RELO_EXTERN_LD64 (ksym variable; typeless = `const void`)

const CALL = 0x85, LD_IMM64 = 0x18;

/** Relocations of one code section, keyed by instruction index within the section. */
export function sectionRelocs(elf: ElfFile, sec: ElfSection, code: DataView, btf: Btf | null, maps: PlacedMap[], textShndx: number | null, file: string): Map<number, SecReloc> {
  const out = new Map<number, SecReloc>();
  const hint = 'libbpf would refuse to open this object too; rebuild it with clang-19 -target bpf -g -O2';
  for (const rel of elf.relocations.get(sec.index) ?? []) {
    const idx = rel.offset / 8;
    const sym = elf.symbols[rel.symbol]!;
    const where = `section ${sec.name}: relocation at insn ${idx} against '${sym.name}'`;
    const fail = (msg: string): never => { throw new InputError(file, `${where}: ${msg}`, hint); };
    if (!Number.isInteger(idx) || rel.offset + 8 > sec.size) fail(`offset ${rel.offset} is not an instruction in the section`);
    const code_ = code.getUint8(rel.offset);
    const src = code.getUint8(rel.offset + 1) >> 4;
    if (code_ !== CALL && code_ !== LD_IMM64) fail(`instruction code 0x${code_.toString(16)} cannot be relocated`);
    const kcfg = sym.shndx === SHN_UNDEF && code_ === LD_IMM64 ? maps.find((p) => p.map.section === '.kconfig') : undefined;
    if (kcfg) {
      // libbpf: RELO_EXTERN_LD64 of an EXT_KCFG extern loads &.kconfig[data_off] (map value).
      const ds = btf?.get(kcfg.map.valueTypeId!);
      const vi = ds?.kind === 'datasec' ? ds.vars.find((x) => btf!.get(x.type).name === sym.name) : undefined;
      if (vi) { out.set(idx, { type: 'data', map: kcfg.map, symOff: vi.offset }); continue; }
    }
    if (sym.shndx === SHN_UNDEF) {
      const fn = btf?.findAll(sym.name).find((t) => t.kind === 'func') ?? null;
      if (code_ === CALL) { out.set(idx, { type: 'extern_call', name: sym.name, btfTypeId: fn ? fn.id : null }); continue; }
      const v = btf?.findAll(sym.name).find((t) => t.kind === 'var');
      const typed = !!v && v.kind === 'var' && btf!.resolve(v.type).kind !== 'void';
      out.set(idx, { type: 'extern_ld', name: sym.name, typed });
      continue;
    }
    if (code_ === CALL) {
      if (src !== 1) fail('incorrect bpf_call opcode (src_reg must be BPF_PSEUDO_CALL)');
      if (sym.shndx !== textShndx) fail(`bad call relo: target is not in .text`);
      if (sym.value % 8) fail(`bad call relo at offset ${sym.value}`);
      out.set(idx, { type: 'call', symOff: sym.value, symbol: sym.name });
      continue;
    }
    if (sym.shndx >= 0xff00) fail(`symbol in special section 0x${sym.shndx.toString(16)}; forgot to initialize a global variable?`);
    if (sym.shndx === textShndx && (sym.type === STT.FUNC || sym.type === STT.SECTION)) {
      out.set(idx, { type: 'subprog_addr', symOff: sym.value, symbol: sym.name });
      continue;
    }
    const target = elf.sections[sym.shndx];
    if (!target) return fail(`symbol names section #${sym.shndx}, but the object has ${elf.sections.length}`);
    if (target.name === '.maps') {
      const m = maps.find((p) => p.shndx === sym.shndx && p.offset === sym.value);
      if (!m) fail(`no map at offset ${sym.value} of .maps`);
      out.set(idx, { type: 'map', map: m!.map });
      continue;
    }
    if (!dataSectionKind(target)) fail(`bad data relo against section '${target.name}'`);
    const m = maps.find((p) => p.shndx === sym.shndx);
    if (!m) fail(`data relo failed to find map for section '${target.name}'`);
    out.set(idx, { type: 'data', map: m!.map, symOff: sym.value });
  }
  return out;
}

/** CO-RE records of one section, keyed by instruction index within the section. */
export function sectionCoreRelos(ext: BtfExt | null, secName: string): Map<number, BtfExtCoreRelo> {
  const out = new Map<number, BtfExtCoreRelo>();
  for (const r of ext?.coreRelos.get(secName) ?? []) out.set(r.insnOff / 8, r);
  return out;
}
