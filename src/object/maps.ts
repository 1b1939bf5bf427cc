// Maps of an object as libbpf creates them: BTF-defined maps from the .maps DATASEC
// (parse_btf_map_def in tools/lib/bpf/libbpf.c) and one ARRAY map per global-data section
// (.data, .rodata, .bss and their .X variants, skipped when empty).
import { InputError } from '../shared/errors.js';
import type { Btf } from '../btf/types.js';
import { SHF, SHT, type ElfFile, type ElfSection } from '../elf/reader.js';
import type { BpfMap } from './types.js';
import { kconfigLayout } from './kconfig.js';

export const BPF_MAP_TYPE_ARRAY = 2;

/** A map plus where libbpf finds it: section index and offset of its symbol. */
export interface PlacedMap { map: BpfMap; shndx: number; offset: number }

/** Which global-data kind a section is, per libbpf's bpf_object__elf_collect; null if none. */
export function dataSectionKind(s: ElfSection): 'data' | 'rodata' | 'bss' | null {
  const is = (base: string) => s.name === base || s.name.startsWith(base + '.');
  if (s.type === SHT.PROGBITS && s.size > 0 && !(s.flags & SHF.EXECINSTR)) {
    if (is('.data')) return 'data';
    if (is('.rodata')) return 'rodata';
  }
  if (s.type === SHT.NOBITS && s.size > 0 && is('.bss')) return 'bss';
  return null;
}

/** Global-data maps, in section order, then ".kconfig" when the object has __kconfig externs. */
export function readDataMaps(elf: ElfFile, btf: Btf | null): PlacedMap[] {
  const out: PlacedMap[] = [];
  const kconfig = kconfigLayout(btf);
  const kmap = (): PlacedMap[] => kconfig ? [{
    shndx: -1, offset: 0,
    map: { name: '.kconfig', kind: 'datasec', section: '.kconfig', mapType: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: kconfig.size, maxEntries: 1, keyTypeId: null, valueTypeId: btf!.find('.kconfig', 'datasec')!.id },
  }] : [];
  for (const s of elf.sections) {
    const kind = dataSectionKind(s);
    if (!kind) continue;
    const sec = btf?.find(s.name, 'datasec') ?? null;
    const map: BpfMap = {
      name: s.name, kind: 'datasec', section: s.name, mapType: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: s.size,
      maxEntries: 1, keyTypeId: null, valueTypeId: sec ? sec.id : null,
    };
    // libbpf copies these bytes into the map before the load (a copy: the object owns no file buffer)
    if (kind !== 'bss') map.initialData = s.data.slice();
    out.push({ shndx: s.index, offset: 0, map });
  }
  return [...out, ...kmap()];
}

/** BTF-defined maps of the .maps section. Throws InputError for a definition libbpf would reject. */
export function readBtfMaps(elf: ElfFile, btf: Btf | null, file: string): PlacedMap[] {
  const sec = elf.section('.maps');
  if (!sec) return [];
  const fail = (msg: string): never => { throw new InputError(file, `.maps: ${msg}`, 'declare maps as in <bpf/bpf_helpers.h>: struct { __uint(type, ...); __type(key, ...); ... } name SEC(".maps");'); };
  // without BTF the declaration may well be right: what is missing is the debug info that
  // describes it, so the hint is about the compiler flag, not the SEC(".maps") syntax
  if (!btf) throw new InputError(file, '.maps: the object has no .BTF section; libbpf reads BTF-defined maps from BTF',
    'compile with -g (clang-19 -target bpf -g -O2 ...) and do not strip the object (llvm-strip -g removes .BTF)');
  const ds = btf!.find('.maps', 'datasec');
  if (!ds || ds.kind !== 'datasec') return fail('no DATASEC .maps in BTF');
  return ds.vars.map((vi) => {
    const v = btf!.get(vi.type);
    if (v.kind !== 'var') fail(`DATASEC entry [${vi.type}] is a ${v.kind}, not a VAR`);
    const map = parseMapDef(btf!, v.name, (v as { type: number }).type, fail);
    return { map, shndx: sec.index, offset: vi.offset };
  });
}

/** One `struct { __uint(...); __type(...); __array(...) }` definition. */
function parseMapDef(btf: Btf, name: string, typeId: number, fail: (m: string) => never): BpfMap {
  const def = btf.resolve(typeId);
  if (def.kind !== 'struct') fail(`map '${name}': definition is a ${def.kind}, not a struct`);
  const map: BpfMap = {
    name, kind: 'map', section: '.maps', mapType: null, keySize: null, valueSize: null, maxEntries: null,
    keyTypeId: null, valueTypeId: null,
  };
  // __uint(x, N) is `int (*x)[N]`: the value is the array's element count.
  const uintOf = (member: string, t: number): number => {
    const p = btf.resolve(t);
    const arr = p.kind === 'ptr' ? btf.resolve(p.type) : null;
    if (!arr || arr.kind !== 'array') return fail(`map '${name}': '${member}' is not __uint(${member}, N)`);
    return arr.nelems;
  };
  // __type(x, T) is `T *x`.
  const typeOf = (member: string, t: number): number => {
    const p = btf.resolve(t);
    if (p.kind !== 'ptr') return fail(`map '${name}': '${member}' is not __type(${member}, T)`);
    return p.type;
  };
  for (const m of btf.members(typeId)) {
    switch (m.name) {
      case 'type': map.mapType = uintOf(m.name, m.type); break;
      case 'max_entries': map.maxEntries = uintOf(m.name, m.type); break;
      case 'key_size': map.keySize = uintOf(m.name, m.type); break;
      case 'value_size': map.valueSize = uintOf(m.name, m.type); break;
      case 'key': map.keyTypeId = typeOf(m.name, m.type); map.keySize = btf.sizeOf(map.keyTypeId); break;
      case 'value': map.valueTypeId = typeOf(m.name, m.type); map.valueSize = btf.sizeOf(map.valueTypeId); break;
      case 'values': {
        // __array(values, struct inner) is `struct inner *values[]`: a map-in-map (or prog array).
        const arr = btf.resolve(m.type);
        if (arr.kind !== 'array') fail(`map '${name}': 'values' is not __array(values, ...)`);
        const ptr = btf.resolve((arr as { type: number }).type);
        if (ptr.kind !== 'ptr') fail(`map '${name}': 'values' elements are not pointers`);
        const inner = btf.resolve((ptr as { type: number }).type);
        // A prog array's values are function prototypes, not map definitions.
        if (inner.kind === 'struct') map.innerMap = parseMapDef(btf, `${name}.inner`, inner.id, fail);
        map.valueSize = 4;
        break;
      }
      default: break; // map_flags, numa_node, pinning, map_extra: not used by the model
    }
  }
  return map;
}
