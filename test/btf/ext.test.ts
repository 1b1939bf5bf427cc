// .BTF.ext: func_info / line_info / CO-RE records of a clang-19 object, and corrupt sections.
import t from 'tap';
import { InputError } from '../../src/shared/errors.js';
import { btfStrings, CORE_RELO_KIND, parseBtfExt } from '../../src/btf/ext.js';
import { parseBtf } from '../../src/btf/parse.js';
import { readElf, STT } from '../../src/elf/reader.js';
import { compileFixture } from '../fixtures/readers/compile.js';

async function load() {
  const { path, bytes } = await compileFixture('graph');
  const elf = readElf(bytes, path);
  const btfRaw = elf.section('.BTF')!.data;
  const extRaw = elf.section('.BTF.ext')!.data;
  return { elf, path, btf: parseBtf(btfRaw, path), strings: btfStrings(btfRaw), extRaw };
}

t.test('func_info has one record per function, naming its BTF FUNC', async (t) => {
  const { elf, path, btf, strings, extRaw } = await load();
  const ext = parseBtfExt(extRaw, strings, path);
  for (const [sec, recs] of ext.funcInfo) {
    const s = elf.section(sec)!;
    const funcs = elf.symbols.filter((x) => x.shndx === s.index && x.type === STT.FUNC);
    t.equal(recs.length, funcs.length, `${sec}: one func_info per function`);
    for (const r of recs) {
      const sym = funcs.find((f) => f.value === r.insnOff);
      const ty = btf.get(r.typeId);
      t.equal(ty.kind, 'func');
      t.equal(ty.name, sym?.name, `${sec}+${r.insnOff}: ${ty.name}`);
    }
  }
  t.ok(ext.funcInfo.has('tc') && ext.funcInfo.has('.text'));
});

t.test('line_info points into the source; CO-RE records name their access', async (t) => {
  const { path, strings, extRaw } = await load();
  const ext = parseBtfExt(extRaw, strings, path);
  const lines = ext.lineInfo.get('tc')!;
  t.ok(lines.length > 10);
  t.ok(lines.every((l) => l.file.endsWith('graph.c') && l.line > 0), 'every line record names graph.c');
  t.ok(lines.some((l) => l.text.includes('bpf_spin_lock(&glock)')), 'source text carried');
  const core = ext.coreRelos.get('tc')!;
  const typeId = core.find((c) => CORE_RELO_KIND[c.kind] === 'type_id_local');
  t.ok(typeId, 'bpf_obj_new type id is a TYPE_ID_LOCAL relocation');
  t.equal(typeId!.accessStr, '0');
  const field = ext.coreRelos.get('fentry/bpf_fentry_test1')!.find((c) => CORE_RELO_KIND[c.kind] === 'field_byte_offset');
  t.equal(field?.accessStr, '0:1', 'task_like::tgid access string');
});

t.test('corrupt .BTF.ext gives InputError naming the file', async (t) => {
  const { strings, extRaw } = await load();
  const bad = (edit: (v: DataView) => void, b = new Uint8Array(extRaw)) => { edit(new DataView(b.buffer)); return b; };
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(extRaw).subarray(0, 10), /shorter than its header/],
    [bad((v) => v.setUint16(0, 0xbeef, true)), /bad magic 0xbeef/],
    [bad((v) => v.setUint32(12, 1 << 20, true)), /func_info .* runs past the end/],
    [bad((v) => v.setUint32(v.getUint32(4, true) + v.getUint32(16, true), 4, true)), /line_info record size 4 < 16/],
  ];
  for (const [bytes, re] of cases) {
    t.throws(() => parseBtfExt(bytes, strings, 'ext.o'), { name: 'InputError', message: re }, String(re));
  }
  t.ok(new InputError('x', 'y') instanceof Error);
});
