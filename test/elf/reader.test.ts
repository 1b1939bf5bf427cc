// ELF reader vs llvm-readelf-19 on a clang-19 object (sections, symbols, relocations), and
// hand-made broken files for every error path.
import t from 'tap';
import { execa } from 'execa';
import { InputError } from '../../src/shared/errors.js';
import { readElf, SHT, STB, STT } from '../../src/elf/reader.js';
import { compileFixture } from '../fixtures/readers/compile.js';

t.test('sections, symbols and relocations agree with llvm-readelf-19', async (t) => {
  const { path, bytes } = await compileFixture('graph');
  const elf = readElf(bytes, path);
  t.equal(elf.machine, 247);

  const secs = (await execa('llvm-readelf-19', ['-S', '-W', path])).stdout.split('\n').flatMap((l) => {
    const m = /^\s*\[\s*(\d+)\]\s(\S*)\s+(\S+)\s+[0-9a-f]{16} ([0-9a-f]{6}) ([0-9a-f]{6})/.exec(l);
    return m ? [{ index: Number(m[1]), name: m[2] === 'NULL' && m[1] === '0' ? '' : m[2]!, type: m[3] === 'NULL' ? m[2]! : m[3]!, offset: parseInt(m[4]!, 16), size: parseInt(m[5]!, 16) }] : [];
  });
  t.equal(elf.sections.length, secs.length, 'section count');
  for (const s of secs.slice(1)) {
    const ours = elf.sections[s.index]!;
    t.same([ours.name, ours.offset, ours.size], [s.name, s.offset, s.size], `section [${s.index}] ${s.name}`);
  }
  t.equal(elf.section('.bss.A')!.type, SHT.NOBITS);
  t.equal(elf.section('.bss.A')!.data.length, 0, 'NOBITS has no bytes');

  const syms = (await execa('llvm-readelf-19', ['-s', '-W', path])).stdout.split('\n').flatMap((l) => {
    const m = /^\s*(\d+): ([0-9a-f]{16})\s+(\d+) (\w+)\s+(\w+)\s+(\w+)\s+(\w+)\s?(.*)$/.exec(l);
    return m ? [{ index: Number(m[1]), value: parseInt(m[2]!, 16), size: Number(m[3]), type: m[4]!, bind: m[5]!, vis: m[6]!, name: m[8]! }] : [];
  });
  t.equal(elf.symbols.length, syms.length, 'symbol count');
  const typeName = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE'];
  const bindName = ['LOCAL', 'GLOBAL', 'WEAK'];
  const symDiffs = syms.filter((s) => {
    const o = elf.symbols[s.index]!;
    // llvm-readelf prints a section symbol's name as the section's; its own name is empty.
    const name = o.type === STT.SECTION ? elf.sections[o.shndx]!.name : o.name;
    return name !== s.name || o.value !== s.value || o.size !== s.size || typeName[o.type] !== s.type || bindName[o.bind] !== s.bind || (o.visibility === 2) !== (s.vis === 'HIDDEN');
  });
  t.same(symDiffs, [], `${syms.length} symbols agree`);
  const push = elf.symbols.find((s) => s.name === 'push')!;
  t.equal(push.type, STT.FUNC);
  t.equal(push.bind, STB.GLOBAL);
  t.equal(elf.sections[push.shndx]!.name, 'tc');

  const relText = (await execa('llvm-readelf-19', ['-r', '-W', path])).stdout;
  let relSections = 0;
  for (const m of relText.matchAll(/Relocation section '\.rel(.*)' at offset 0x[0-9a-f]+ contains (\d+) entries/g)) {
    const target = elf.section(m[1]!)!;
    // DWARF and BTF relocations are not read (libbpf ignores them too).
    if (/^\.debug_|^\.BTF/.test(m[1]!)) { t.equal(elf.relocations.get(target.index), undefined, `${m[1]}: skipped`); continue; }
    t.equal(elf.relocations.get(target.index)?.length, Number(m[2]), `relocations for ${m[1]}`);
    relSections++;
  }
  t.ok(relSections >= 4, `${relSections} code/map relocation sections compared`);
  const tcRels = elf.relocations.get(elf.section('tc')!.index)!;
  t.ok(tcRels.some((r) => elf.symbols[r.symbol]!.name === 'bpf_obj_new_impl'), 'kfunc relocation against the extern');
});

/** The InputError readElf throws for `bytes`, as a message (fails the test if none). */
function errorOf(t: typeof import('tap').default, bytes: Uint8Array): string {
  try { readElf(bytes, 'bad.o'); } catch (e) {
    t.ok(e instanceof InputError, 'InputError');
    t.equal((e as InputError).file, 'bad.o');
    return (e as Error).message;
  }
  t.fail('no error');
  return '';
}

t.test('broken files give typed errors naming the file and the problem', async (t) => {
  const { bytes } = await compileFixture('graph');
  const tt = t as unknown as typeof import('tap').default;
  t.match(errorOf(tt, new TextEncoder().encode('int main() { return 0; }\n')), /bad\.o: not an ELF file/);
  t.match(errorOf(tt, new Uint8Array(0)), /not an ELF file/);
  t.match(errorOf(tt, bytes.subarray(0, 40)), /truncated ELF header/);
  t.match(errorOf(tt, bytes.subarray(0, 2000)), /truncated: section headers/);
  const elf32 = new Uint8Array(bytes); elf32[4] = 1;
  t.match(errorOf(tt, elf32), /not ELF64/);
  const x86 = new Uint8Array(bytes); x86[18] = 62; x86[19] = 0;
  t.match(errorOf(tt, x86), /not a BPF object \(e_machine 62, expected 247/);
  const be = new Uint8Array(bytes); be[5] = 2;
  t.ok(/bad\.o: /.test(errorOf(tt, be)), 'big-endian header is refused with a message');
  // A section whose data runs past the end of the file.
  const v = new DataView(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const shoff = Number(v.getBigUint64(40, true));
  v.setBigUint64(shoff + 2 * 64 + 32, 1n << 40n, true); // section #2 (.text) size
  t.match(errorOf(tt, new Uint8Array(v.buffer)), /section #2 .* runs past the end of the file/);
});

t.test('a real x86-64 object is refused as not BPF', async (t) => {
  const { path } = await compileFixture('graph');
  const x86 = path.replace(/\.o$/, '.x86.o');
  await execa('clang-19', ['-c', '-x', 'c', '-', '-o', x86], { input: 'int f(void) { return 1; }\n' });
  const { readFileSync } = await import('node:fs');
  t.throws(() => readElf(readFileSync(x86), x86), { name: 'InputError', message: /not a BPF object \(e_machine 62/ });
});
