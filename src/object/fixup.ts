// clang leaves DATASEC sizes and variable offsets at 0; libbpf fills them in from the ELF section
// sizes and symbol values before loading (btf_fixup_datasec in tools/lib/bpf/libbpf.c). The model
// needs the fixed-up offsets (which global sits where in a .bss.X map value), so do the same.
import { InputError } from '../shared/errors.js';
import { Btf, type BtfType } from '../btf/types.js';
import { STT, type ElfFile } from '../elf/reader.js';
import { kconfigLayout } from './kconfig.js';

export function fixupDatasecs(btf: Btf, elf: ElfFile, file: string): Btf {
  let changed = false;
  const kconfig = kconfigLayout(btf);
  const types = btf.types.map((t): BtfType => {
    if (t.kind !== 'datasec') return t;
    if (t.name === '.kconfig' && kconfig) {
      changed = true;
      return { ...t, size: kconfig.size, vars: t.vars.map((vi) => ({ ...vi, offset: kconfig.vars.get(btf.get(vi.type).name)?.offset ?? vi.offset })) };
    }
    // .ksyms lists extern kfuncs/ksyms: no ELF section, libbpf handles it separately.
    if (t.name === '.ksyms' || t.name === '.kconfig') return t;
    const sec = elf.section(t.name);
    if (!sec) return t;
    const vars = t.vars.map((vi) => {
      const v = btf.get(vi.type);
      const sym = elf.symbols.find((s) => s.shndx === sec.index && s.name === v.name && s.type === STT.OBJECT);
      if (!sym) {
        if (vi.offset !== 0 || t.size !== 0) return vi;
        throw new InputError(file, `BTF DATASEC ${t.name}: variable '${v.name}' has no ELF symbol in section ${t.name}`,
          'the object looks post-processed; rebuild it with clang-19 -g -O2 -target bpf');
      }
      return { ...vi, offset: sym.value };
    });
    changed = true;
    return { ...t, size: t.size || sec.size, vars };
  });
  return changed ? new Btf(types) : btf;
}
