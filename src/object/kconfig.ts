// `extern ... __kconfig` variables: libbpf backs them with one ".kconfig" array map and lays them out
// by descending alignment, then ascending size, then name (cmp_externs + bpf_object__resolve_externs
// in tools/lib/bpf/libbpf.c). The model needs the layout to know which map-value offset a load reads.
import type { Btf } from '../btf/types.js';

export interface KconfigLayout { size: number; vars: Map<string, { offset: number; size: number }> }

/** Layout of the .kconfig DATASEC's variables, or null when the object declares none. */
export function kconfigLayout(btf: Btf | null): KconfigLayout | null {
  const sec = btf?.find('.kconfig', 'datasec');
  if (!btf || !sec || sec.kind !== 'datasec' || sec.vars.length === 0) return null;
  const ext = sec.vars.map((vi) => {
    const v = btf.get(vi.type);
    const type = v.kind === 'var' ? v.type : vi.type;
    return { name: v.name, size: btf.sizeOf(type) ?? 0, align: alignOf(btf, type) };
  });
  ext.sort((a, b) => b.align - a.align || a.size - b.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const vars = new Map<string, { offset: number; size: number }>();
  let off = 0;
  for (const e of ext) {
    const offset = Math.ceil(off / e.align) * e.align;
    vars.set(e.name, { offset, size: e.size });
    off = offset + e.size;
  }
  return { size: off, vars };
}

/** Natural alignment of a type, as libbpf's btf__align_of computes it. */
export function alignOf(btf: Btf, id: number): number {
  const t = btf.resolve(id);
  switch (t.kind) {
    case 'int': case 'enum': case 'enum64': case 'float': return Math.min(Math.max(t.size, 1), 8);
    case 'ptr': return 8;
    case 'array': return alignOf(btf, t.type);
    case 'struct': case 'union': return t.members.reduce((a, m) => Math.max(a, alignOf(btf, m.type)), 1);
    default: return 1;
  }
}
