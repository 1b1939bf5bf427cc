// readObject: a BPF ELF object -> BpfObject (types.ts), resolving programs the way libbpf's
// bpf_object__open + bpf_object__relocate do, without a kernel: every entry program gets the
// subprograms it reaches appended in libbpf's depth-first order (bpf_object__reloc_code), call and
// function-pointer offsets fixed up, maps / global data / kfunc / ksym / CO-RE references recorded.
// Instruction indices therefore match the kernel's verifier log for the same load.
import { InputError } from '../shared/errors.js';
import { decode } from '../bpf/insn.js';
import { PSEUDO, PSEUDO_KFUNC_CALL } from '../bpf/opcode.js';
import { parseBtf } from '../btf/parse.js';
import { btfStrings, parseBtfExt, type BtfExt } from '../btf/ext.js';
import type { Btf } from '../btf/types.js';
import { readElf, SHF, SHT, STB, STT, type ElfSection, type ElfSymbol } from '../elf/reader.js';
import { fixupDatasecs } from './fixup.js';
import { readBtfMaps, readDataMaps } from './maps.js';
import { sectionCoreRelos, sectionRelocs, type SecReloc } from './relocs.js';
import { classifySection } from './sections.js';
import type { BpfObject, BpfProgram, FuncInfo, InsnReloc } from './types.js';
import type { BtfExtCoreRelo } from '../btf/ext.js';

/** A code section with its functions and relocations. */
interface CodeSection {
  sec: ElfSection;
  view: DataView;
  funcs: ElfSymbol[];                       // STT_FUNC symbols, by offset
  relocs: Map<number, SecReloc>;            // by insn index within the section
  core: Map<number, BtfExtCoreRelo>;
}

/** One function's copy inside a program's instruction array. */
interface Piece { cs: CodeSection; sym: ElfSymbol; start: number; count: number; outOff: number }

/** Parse and resolve a BPF object. Throws InputError (naming `file`) for malformed input. */
export function readObject(bytes: Uint8Array, file: string): BpfObject {
  try {
    return readObjectUnchecked(bytes, file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A bound we failed to check: still a typed error naming the file, never a bare RangeError.
    throw new InputError(file, `malformed object (${e instanceof Error ? e.message : String(e)})`,
      'rebuild it with clang-19 -target bpf -g -O2; if it was, report this as a reader bug', { cause: e });
  }
}

function readObjectUnchecked(bytes: Uint8Array, file: string): BpfObject {
  const elf = readElf(bytes, file);
  const btfSec = elf.section('.BTF');
  let btf: Btf | null = btfSec ? parseBtf(btfSec.data, file) : null;
  if (btf) btf = fixupDatasecs(btf, elf, file);
  const extSec = elf.section('.BTF.ext');
  const ext: BtfExt | null = btfSec && extSec ? parseBtfExt(extSec.data, btfStrings(btfSec.data), file) : null;

  if (btf && ext) checkExtTypeIds(btf, ext, file);
  const placed = [...readBtfMaps(elf, btf, file), ...readDataMaps(elf, btf)];
  const text = elf.sections.find((s) => s.name === '.text' && s.size > 0) ?? null;
  const codeSecs = new Map<number, CodeSection>();
  for (const sec of elf.sections) {
    if (sec.type !== SHT.PROGBITS || !(sec.flags & SHF.EXECINSTR) || sec.size === 0) continue;
    if (sec.size % 8 !== 0) throw new InputError(file, `section ${sec.name}: size ${sec.size} is not a multiple of 8 (BPF instructions are 8 bytes)`);
    const view = new DataView(sec.data.buffer, sec.data.byteOffset, sec.data.byteLength);
    const funcs = elf.symbols.filter((s) => s.shndx === sec.index && s.type === STT.FUNC).sort((a, b) => a.value - b.value);
    for (const f of funcs) {
      if (f.value % 8 || f.size % 8 || f.value + f.size > sec.size) throw new InputError(file, `section ${sec.name}: function '${f.name}' at ${f.value} (+${f.size}) crosses the section boundary or is misaligned`);
    }
    codeSecs.set(sec.index, {
      sec, view, funcs,
      relocs: sectionRelocs(elf, sec, view, btf, placed, text?.index ?? null, file),
      core: sectionCoreRelos(ext, sec.name),
    });
  }

  const programs: BpfProgram[] = [];
  for (const cs of codeSecs.values()) {
    if (cs.sec === text) continue;
    for (const sym of cs.funcs) {
      if (sym.bind === STB.LOCAL) throw new InputError(file, `section ${cs.sec.name}: program '${sym.name}' is static; libbpf does not support static programs`, 'drop `static` from the program function');
      programs.push(assemble(btf, ext, cs, sym, text ? codeSecs.get(text.index)! : null, file));
    }
  }
  const lic = elf.section('license');
  const license = lic ? new TextDecoder().decode(lic.data).replace(/\0.*$/s, '') : null;
  return { file, btf, maps: placed.map((p) => p.map), programs, license };
}

/** Build one entry program: main function + appended subprograms, relocated. */
function assemble(btf: Btf | null, ext: BtfExt | null, mainCs: CodeSection, mainSym: ElfSymbol, text: CodeSection | null, file: string): BpfProgram {
  let out = new Uint8Array(Math.max(64, mainSym.size * 2));
  let len = 0; // in instructions
  const pieces: Piece[] = [];
  const relocs = new Map<number, InsnReloc>();
  const appended = new Map<ElfSymbol, Piece>();
  const append = (cs: CodeSection, sym: ElfSymbol): Piece => {
    const count = sym.size / 8;
    if ((len + count) * 8 > out.length) { const n = new Uint8Array(Math.max(out.length * 2, (len + count) * 8)); n.set(out); out = n; dv = new DataView(out.buffer); }
    out.set(cs.sec.data.subarray(sym.value, sym.value + sym.size), len * 8);
    const p: Piece = { cs, sym, start: sym.value / 8, count, outOff: len };
    len += count;
    pieces.push(p);
    appended.set(sym, p);
    return p;
  };
  let dv = new DataView(out.buffer);
  const view = () => dv;
  const fail = (msg: string): never => { throw new InputError(file, `program '${mainSym.name}': ${msg}`, 'libbpf would fail to relocate this object as well'); };

  // Mirrors bpf_object__reloc_code: depth-first, each subprog appended at its first use.
  const relocCode = (p: Piece): void => {
    for (let i = 0; i < p.count; i++) {
      const at = (p.outOff + i) * 8;
      const code = out[at]!, src = out[at + 1]! >> 4;
      const relo = p.cs.relocs.get(p.start + i);
      const isCall = code === 0x85 && src === 1;
      const isFuncAddr = code === 0x18 && relo?.type === 'subprog_addr';
      if (!isCall && !isFuncAddr) continue;
      if (relo?.type === 'extern_call') continue;
      const imm = view().getInt32(at + 4, true);
      let sub: number;
      if (relo?.type === 'call') sub = relo.symOff / 8 + imm + 1;
      else if (relo?.type === 'subprog_addr') sub = (relo.symOff + imm) / 8;
      else if (relo) return fail(`unexpected relocation for insn #${i} of ${p.sym.name}`);
      else sub = p.start + i + imm + 1;
      if (!text) return fail('no .text section found yet sub-program call exists');
      const target = text.funcs.find((f) => sub >= f.value / 8 && sub < (f.value + f.size) / 8);
      if (!target) return fail(`call at insn ${p.outOff + i} targets .text insn ${sub}, which is in no function`);
      let tp = appended.get(target);
      if (!tp) { tp = append(text, target); relocCode(tp); }
      const v = view();
      v.setInt32(at + 4, tp.outOff - (p.outOff + i) - 1, true);
      if (isFuncAddr) out[at + 1] = (out[at + 1]! & 0x0f) | (PSEUDO.FUNC << 4);
      relocs.set(p.outOff + i, { kind: 'subprog', target: tp.outOff, name: target.name });
    }
  };
  const mainPiece = append(mainCs, mainSym);
  relocCode(mainPiece);
  // Mirrors bpf_prog_assign_exc_cb: an `exception_callback:NAME` decl tag on the entry function appends
  // that global .text function even though nothing calls it (the verifier checks it as the callback).
  const excName = exceptionCallback(btf, funcInfoOf(btf, ext, mainPiece).btfTypeId);
  if (excName !== null) {
    const exc = text?.funcs.find((f) => f.name === excName);
    if (!exc) fail(`cannot find exception callback '${excName}'`);
    if (exc!.bind === STB.LOCAL || exc!.visibility === 2) fail(`exception callback ${excName} must be a global non-hidden function`);
    if (!appended.has(exc!)) relocCode(append(text!, exc!));
  }

  // Mirrors bpf_object__relocate_data (no fds here: map references keep imm 0).
  const v = view();
  for (const p of pieces) {
    for (let i = 0; i < p.count; i++) {
      const idx = p.outOff + i, at = idx * 8;
      const relo = p.cs.relocs.get(p.start + i);
      if (relo) {
        switch (relo.type) {
          case 'call': case 'subprog_addr': break; // done above
          case 'map':
            out[at + 1] = (out[at + 1]! & 0x0f) | (PSEUDO.MAP_FD << 4);
            v.setInt32(at + 4, 0, true);
            relocs.set(idx, { kind: 'map', map: relo.map });
            break;
          case 'data': {
            const offset = v.getInt32(at + 4, true) + relo.symOff;
            out[at + 1] = (out[at + 1]! & 0x0f) | (PSEUDO.MAP_VALUE << 4);
            v.setInt32(at + 4, 0, true);
            v.setInt32(at + 12, offset, true);
            relocs.set(idx, { kind: 'map_value', map: relo.map, offset });
            break;
          }
          case 'extern_call':
            out[at + 1] = (out[at + 1]! & 0x0f) | (PSEUDO_KFUNC_CALL << 4);
            relocs.set(idx, { kind: 'kfunc', name: relo.name, btfTypeId: relo.btfTypeId });
            break;
          case 'extern_ld':
            // Typed ksyms become BPF_PSEUDO_BTF_ID; typeless ones (`extern const void x __ksym`) a plain address.
            if (relo.typed) out[at + 1] = (out[at + 1]! & 0x0f) | (PSEUDO.BTF_ID << 4);
            relocs.set(idx, { kind: 'ksym', name: relo.name });
            break;
        }
      }
      const core = p.cs.core.get(p.start + i);
      if (core && !relocs.has(idx)) {
        // TYPE_ID_LOCAL (6): the value is the local type id itself (bpf_core_type_id_local).
        if (core.kind === 6 && out[at] === 0x18) { v.setInt32(at + 4, core.typeId, true); v.setInt32(at + 12, 0, true); }
        relocs.set(idx, { kind: 'core', accessStr: core.accessStr, relo: core.kind, localTypeId: core.typeId });
      }
    }
  }

  const insns = decode(out.subarray(0, len * 8));
  const funcs: FuncInfo[] = pieces.map((p) => funcInfoOf(btf, ext, p));
  const lines = new Map<number, { file: string; line: number; text: string }>();
  for (const p of pieces) {
    for (const li of ext?.lineInfo.get(p.cs.sec.name) ?? []) {
      const i = li.insnOff / 8 - p.start;
      if (i >= 0 && i < p.count) lines.set(p.outOff + i, { file: li.file, line: li.line, text: li.text });
    }
  }
  const info = classifySection(mainCs.sec.name);
  const entryId = funcs[0]!.btfTypeId;
  const declTags = btf && entryId !== null ? btf.declTags(entryId, -1).map((t) => t.value) : [];
  return {
    name: mainSym.name, section: mainCs.sec.name, progType: info.progType, attachTo: info.attachTo,
    sleepable: info.sleepable, insns, funcs, relocs, lines, declTags,
  };
}

/** FuncInfo for a piece: BTF FUNC id from func_info (or by name), linkage as libbpf presents it. */
function funcInfoOf(btf: Btf | null, ext: BtfExt | null, p: Piece): FuncInfo {
  const rec = ext?.funcInfo.get(p.cs.sec.name)?.find((f) => f.insnOff === p.sym.value);
  let id: number | null = rec ? rec.typeId : null;
  if (id === null && btf) id = btf.find(p.sym.name, 'func')?.id ?? null;
  const t = id !== null && btf ? btf.get(id) : null;
  let linkage: FuncInfo['linkage'] = t && t.kind === 'func' ? t.linkage : p.sym.bind === STB.LOCAL ? 'static' : 'global';
  // libbpf marks hidden global functions static in BTF, so the verifier checks them with their caller's context.
  if (p.sym.bind !== STB.LOCAL && p.sym.visibility === 2 && linkage === 'global') linkage = 'static';
  return { name: p.sym.name, start: p.outOff, end: p.outOff + p.count, btfTypeId: id, linkage };
}

/** func_info and CO-RE records name BTF types: all must exist (a reader bug otherwise surfaces later). */
function checkExtTypeIds(btf: Btf, ext: BtfExt, file: string): void {
  const check = (what: string, sec: string, insnOff: number, id: number) => {
    if (id >= btf.count) throw new InputError(file, `corrupt .BTF.ext: ${what} for ${sec} at insn ${insnOff / 8} names BTF type [${id}], but .BTF has ${btf.count - 1} types`, 'rebuild the object with clang-19 -g; .BTF.ext must match .BTF');
  };
  for (const [sec, recs] of ext.funcInfo) for (const r of recs) check('func_info', sec, r.insnOff, r.typeId);
  for (const [sec, recs] of ext.coreRelos) for (const r of recs) check('CO-RE relocation', sec, r.insnOff, r.typeId);
}

/** The one `exception_callback:NAME` tag on an entry FUNC (several: none, as libbpf leaves it to the verifier). */
function exceptionCallback(btf: Btf | null, funcId: number | null): string | null {
  if (!btf || funcId === null) return null;
  const tags = btf.declTags(funcId, -1).filter((t) => t.value.startsWith('exception_callback:'));
  return tags.length === 1 ? tags[0]!.value.slice('exception_callback:'.length) : null;
}
