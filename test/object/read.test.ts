// readObject on a clang-19 object with every construct libbpf resolves (test/fixtures/readers/graph.c):
// programs and their sections/types, appended subprograms and fixed-up calls, maps, global data,
// kfunc/ksym externs, CO-RE type ids, decl tags, line info; and broken objects.
import t from 'tap';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/shared/errors.js';
import { jumpTarget, type Insn } from '../../src/bpf/insn.js';
import { readElf } from '../../src/elf/reader.js';
import { readObject } from '../../src/object/read.js';
import type { BpfProgram } from '../../src/object/types.js';
import { join } from 'node:path';
import { compileFixture, FIXTURE_SRC } from '../fixtures/readers/compile.js';

const graph = async () => { const { path, bytes } = await compileFixture('graph'); return readObject(bytes, path); };
const prog = (o: { programs: BpfProgram[] }, name: string) => o.programs.find((p) => p.name === name)!;

t.test('entry programs, sections and program types as libbpf classifies them', async (t) => {
  const o = await graph();
  t.equal(o.license, 'GPL');
  t.same(o.programs.map((p) => [p.name, p.section, p.progType, p.attachTo, p.sleepable]).sort(), [
    ['fentry_prog', 'fentry/bpf_fentry_test1', 'tracing', 'bpf_fentry_test1', false],
    ['lsm_prog', 'lsm.s/file_open', 'lsm', 'file_open', true],
    ['push', 'tc', 'sched_cls', null, false],
    ['second_in_tc', 'tc', 'sched_cls', null, false],
    ['skskb_prog', 'sk_skb', 'unknown', null, false],
    ['sys_prog', 'syscall', 'syscall', null, true],
    ['tp_prog', 'tp/sched/sched_switch', 'tracepoint', 'sched/sched_switch', false],
    ['xdp_prog', 'xdp', 'xdp', null, false],
  ].sort());
  t.same(prog(o, 'push').declTags, ['comment:test_expect_success', 'comment:test_description=push one']);
  t.same(prog(o, 'sys_prog').declTags, ['comment:test_expect_failure', 'comment:test_expect_msg=R1 type=scalar expected=map_ptr']);
  t.same(prog(o, 'xdp_prog').declTags, []);
});

t.test('subprograms appended once each, calls and function pointers fixed up', async (t) => {
  const o = await graph();
  const p = prog(o, 'push');
  t.equal(p.funcs[0]!.name, 'push');
  t.equal(p.funcs[0]!.start, 0);
  t.same(p.funcs.map((f) => f.name).sort(), ['global_sub', 'helper_static', 'hidden_sub', 'loop_cb', 'push']);
  for (let i = 1; i < p.funcs.length; i++) t.equal(p.funcs[i]!.start, p.funcs[i - 1]!.end, `${p.funcs[i]!.name} follows the previous function`);
  t.equal(p.funcs.at(-1)!.end, p.insns.length, 'functions cover every instruction');
  const linkage = Object.fromEntries(p.funcs.map((f) => [f.name, f.linkage]));
  t.same(linkage, { push: 'global', global_sub: 'global', helper_static: 'static', loop_cb: 'static', hidden_sub: 'static' },
    'hidden global functions are static, as libbpf marks them');
  t.ok(p.funcs.every((f) => f.btfTypeId !== null && o.btf!.get(f.btfTypeId).name === f.name), 'every function has its BTF FUNC');

  let calls = 0, funcPtrs = 0;
  p.relocs.forEach((r, i) => {
    if (r.kind !== 'subprog') return;
    const insn = p.insns[i]!;
    const fn = p.funcs.find((f) => f.start === r.target);
    t.equal(fn?.name, r.name, `insn ${i} refers to the start of ${r.name}`);
    if (insn.kind === 'call') {
      calls++;
      t.equal(insn.target, 'subprog');
      t.equal(jumpTarget(insn, i), r.target, `call at ${i} lands on ${r.name}`);
    } else if (insn.kind === 'ld_imm64') {
      funcPtrs++;
      t.equal(insn.pseudo, 4, 'BPF_PSEUDO_FUNC');
      t.equal(i + insn.imm + 1, r.target, `func pointer at ${i} -> ${r.name}`);
    } else t.fail(`subprog reloc on a ${insn.kind}`);
  });
  t.ok(calls >= 4, `${calls} subprogram calls`);
  t.equal(funcPtrs, 1, 'bpf_loop callback is a function pointer');
  // Appended in first-use, depth-first order: helper_static is first reached from loop_cb (bpf_loop's
  // callback, referenced before global_sub is called), so it follows loop_cb directly.
  const order = p.funcs.map((f) => f.name);
  t.equal(order.indexOf('helper_static'), order.indexOf('loop_cb') + 1, `depth-first order: ${order.join(', ')}`);
  // A program that shares subprograms gets its own copies at its own indices.
  const s = prog(o, 'second_in_tc');
  t.same(s.funcs.map((f) => f.name).sort(), ['helper_static', 'hidden_sub', 'second_in_tc']);
});

t.test('maps, global data, externs and CO-RE references', async (t) => {
  const o = await graph();
  const byName = Object.fromEntries(o.maps.map((m) => [m.name, m]));
  t.match(byName.arr, { kind: 'map', section: '.maps', mapType: 2, keySize: 4, valueSize: 8, maxEntries: 4 });
  t.equal(o.btf!.typeName(byName.arr!.keyTypeId!), 'int');
  t.equal(o.btf!.typeName(byName.arr!.valueTypeId!), 'long');
  t.match(byName.sized, { mapType: 1, keySize: 8, valueSize: 16, maxEntries: 64, keyTypeId: null, valueTypeId: null });
  t.match(byName.outer, { mapType: 12, maxEntries: 2, valueSize: 4, innerMap: { mapType: 2, maxEntries: 1, valueSize: 4 } });
  for (const sec of ['.bss', '.data', '.rodata', '.bss.A', '.data.B']) t.match(byName[sec], { kind: 'datasec', section: sec, mapType: 2, maxEntries: 1 }, sec);
  t.equal(byName['.bss.A']!.valueSize, 24, '.bss.A: lock at 0, list head at 8');
  const ds = o.btf!.get(byName['.bss.A']!.valueTypeId!);
  t.equal(ds.kind, 'datasec');
  if (ds.kind === 'datasec') {
    t.equal(ds.size, 24, 'DATASEC size fixed up from the section, as libbpf does');
    t.same(ds.vars.map((v) => [o.btf!.get(v.type).name, v.offset]), [['glock', 0], ['ghead', 8]], 'variable offsets fixed up');
  }

  const p = prog(o, 'push');
  const rel = [...p.relocs.entries()];
  const mv = rel.filter(([, r]) => r.kind === 'map_value').map(([, r]) => r.kind === 'map_value' ? `${r.map.name}+${r.offset}` : '');
  t.ok(mv.includes('.bss.A+0') && mv.includes('.bss.A+8'), `global data references: ${mv.join(' ')}`);
  t.ok(mv.includes('.rodata+0') && mv.includes('.data.B+0') && mv.includes('.bss+0') && mv.includes('.data+0'));
  for (const [i, r] of rel) {
    const insn = p.insns[i] as Insn;
    if (r.kind === 'map_value') { t.equal(insn.kind === 'ld_imm64' && insn.pseudo, 2); t.equal(insn.kind === 'ld_imm64' && insn.imm2, r.offset); }
    if (r.kind === 'map') t.equal(insn.kind === 'ld_imm64' && insn.pseudo, 1);
  }
  t.ok(rel.some(([, r]) => r.kind === 'map' && r.map.name === 'arr'));
  const kfuncs = rel.filter(([, r]) => r.kind === 'kfunc');
  t.same(kfuncs.map(([, r]) => r.kind === 'kfunc' && r.name), ['bpf_obj_new_impl', 'bpf_list_push_front_impl']);
  for (const [i, r] of kfuncs) {
    t.match(p.insns[i], { kind: 'call', target: 'kfunc', src: 2 }, 'kfunc call rewritten to BPF_PSEUDO_KFUNC_CALL');
    if (r.kind === 'kfunc') t.match(o.btf!.get(r.btfTypeId!), { kind: 'func', linkage: 'extern', name: r.name });
  }
  const core = rel.find(([, r]) => r.kind === 'core');
  t.ok(core, 'bpf_obj_new type id recorded');
  if (core && core[1].kind === 'core') {
    t.equal(o.btf!.typeName(core[1].localTypeId), 'struct node_data');
    t.equal(core[1].relo, 6, 'BPF_CORE_TYPE_ID_LOCAL');
    const ld = p.insns[core[0]]!;
    t.equal(ld.kind === 'ld_imm64' && ld.value, BigInt(core[1].localTypeId), 'ld_imm64 loads the local type id');
  }
  const sys = prog(o, 'sys_prog');
  const ksym = [...sys.relocs.entries()].find(([, r]) => r.kind === 'ksym');
  t.equal(ksym?.[1].kind === 'ksym' && ksym[1].name, 'bpf_prog_active');
  t.match(sys.insns[ksym![0]], { kind: 'ld_imm64', pseudo: 3 }, 'typed ksym is BPF_PSEUDO_BTF_ID');
  // __kconfig externs: offsets as libbpf lays them out (checked against libbpf's own debug output,
  // "extern (kcfg) #N: ... off X, name Y": CONFIG_BIG 0, CONFIG_HZ 8, LINUX_KERNEL_VERSION 12, CONFIG_BAR 16).
  t.match(byName['.kconfig'], { kind: 'datasec', mapType: 2, valueSize: 19, maxEntries: 1 });
  const tp = prog(o, 'tp_prog');
  const kcfg = [...tp.relocs.values()].flatMap((r) => r.kind === 'map_value' && r.map.name === '.kconfig' ? [r.offset] : []).sort((a, b) => a - b);
  t.same(kcfg, [0, 8, 12, 16], '.kconfig loads at libbpf\'s offsets');
  const kds = o.btf!.get(byName['.kconfig']!.valueTypeId!);
  if (kds.kind === 'datasec') t.same(kds.vars.map((v) => [o.btf!.get(v.type).name, v.offset]).sort(), [['CONFIG_BAR', 16], ['CONFIG_BIG', 0], ['CONFIG_HZ', 8], ['LINUX_KERNEL_VERSION', 12]]);
  const fentry = prog(o, 'fentry_prog');
  t.ok([...fentry.relocs.values()].some((r) => r.kind === 'core' && r.accessStr === '0:1' && r.relo === 0), 'field offset CO-RE relocation');
  const srcLine = readFileSync(join(FIXTURE_SRC, 'graph.c'), 'utf8').split('\n').findIndex((l) => l.startsWith('int push(')) + 1;
  t.match(p.lines.get(0), { line: srcLine, text: /int push\(struct __sk_buff \*skb\)/ }, 'line info of the entry instruction');
  t.ok([...p.lines.values()].some((l) => /helper_static|return x \* 2/.test(l.text)), 'appended subprograms keep their line info');
});

async function compileSrc(src: string, name: string, debug = true): Promise<{ path: string; bytes: Uint8Array }> {
  const { path: base } = await compileFixture('graph');
  const path = base.replace(/graph-v3\.o$/, `${name}.o`);
  await execa('clang-19', ['-target', 'bpf', '-O2', ...(debug ? ['-g'] : []), '-c', '-x', 'c', '-', '-o', path], { input: src });
  return { path, bytes: new Uint8Array(readFileSync(path)) };
}

t.test('exception callback named by a decl tag is appended like libbpf does', async (t) => {
  const src = `
typedef unsigned long long u64;
__attribute__((noinline)) int exc_cb(u64 cookie) { return 1; }
static __attribute__((noinline)) int helper(long x) { return x * 3 + 1; }
__attribute__((section("tc"), used, btf_decl_tag("exception_callback:exc_cb"))) int with_exc(void *ctx) { return helper((long)ctx); }
__attribute__((section("tc"), used, btf_decl_tag("exception_callback:nope"))) int bad_exc(void *ctx) { return 0; }
`;
  const { path, bytes } = await compileSrc(src.replace(/bad_exc[\s\S]*$/, 'x(void *c) { return 0; }\n').replace('btf_decl_tag("exception_callback:nope")', 'unused'), 'exc');
  const o = readObject(bytes, path);
  t.same(prog(o, 'with_exc').funcs.map((f) => f.name), ['with_exc', 'helper', 'exc_cb'], 'callees first, then the exception callback');
  const bad = await compileSrc(src, 'exc-bad');
  t.throws(() => readObject(bad.bytes, bad.path), { name: 'InputError', message: /program 'bad_exc': cannot find exception callback 'nope'/ });
});

t.test('objects without BTF, and broken objects', async (t) => {
  const nobtf = await compileSrc('__attribute__((section("xdp"), used)) int f(void *c) { return 2; }\n', 'nobtf', false);
  const o = readObject(nobtf.bytes, nobtf.path);
  t.equal(o.btf, null);
  t.same(o.programs.map((p) => [p.name, p.progType, p.declTags, p.funcs[0]!.btfTypeId]), [['f', 'xdp', [], null]]);

  const stat = await compileSrc('__attribute__((section("tc"), used)) static int f(void *c) { return 0; }\n', 'static');
  t.throws(() => readObject(stat.bytes, stat.path), { name: 'InputError', message: /program 'f' is static/ });

  const { path, bytes } = await compileFixture('graph');
  t.throws(() => readObject(bytes.subarray(0, bytes.length / 2), path), { name: 'InputError', message: /truncated/ });
  // Corrupt one type's kind inside the object's .BTF: the error names the file and the type.
  const elf = readElf(bytes, path);
  const btfSec = elf.section('.BTF')!;
  const broken = new Uint8Array(bytes);
  const v = new DataView(broken.buffer);
  const typesAt = btfSec.offset + v.getUint32(btfSec.offset + 4, true) + v.getUint32(btfSec.offset + 8, true);
  v.setUint32(typesAt + 4, 30 << 24, true);
  t.throws(() => readObject(broken, 'broken-btf.o'), { name: 'InputError', message: /^broken-btf\.o: corrupt BTF: type \[1\] at offset \d+: unknown kind 30/ });
  // Anything unexpected deep inside is still reported as an InputError naming the file.
  const garbage = new Uint8Array(bytes);
  const gv = new DataView(garbage.buffer);
  const text = elf.section('.text')!;
  const rels = elf.sections.find((s) => s.name === '.rel.text')!;
  gv.setBigUint64(rels.offset, BigInt(text.size + 64), true); // a relocation outside its section
  let err: unknown;
  try { readObject(garbage, 'garbage.o'); } catch (e) { err = e; }
  t.ok(err instanceof InputError, 'InputError');
  t.match((err as Error).message, /^garbage\.o: section \.text: relocation at insn \d+ against '\w+': offset \d+ is not an instruction/);
});
