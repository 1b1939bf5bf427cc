// Pure parts of building libbpf and bpftool from a kernel tree: version detection, build keys,
// optional-API detection, and which tree serves which kernel spec.
import t from 'tap';
import { definedApis, featureDefines, libbpfVersionFromMap, parseBpftoolVersion, realName, overrideObjcopyArgs, toolsBuildKey } from '../../vm/tools-key.js';
import { parseToolsChoice, resolveTools, toolsSource } from '../../vm/tools.js';
import { libbpfLabel } from '../../harness/native.js';
import { UsageError } from '../../src/shared/errors.js';

// The version-node skeleton of libbpf.map as 7.3.4's tools/lib/bpf has it (bodies shortened).
const MAP_73 = `LIBBPF_0.0.1 {
\tglobal:
\t\tbpf_object__load;
\tlocal:
\t\t*;
};
LIBBPF_0.0.2 {
} LIBBPF_0.0.1;
LIBBPF_1.5.0 {
} LIBBPF_1.4.0;
LIBBPF_1.10.0 {
} LIBBPF_1.8.0;
LIBBPF_1.8.0 {
\tglobal:
\t\tbpf_program__clone;
} LIBBPF_1.7.0;
`;

t.test('libbpfVersionFromMap: the highest version node, compared as numbers (as the Makefile sort -rV does)', async (t) => {
  t.equal(libbpfVersionFromMap(MAP_73), '1.10.0', '1.10 is newer than 1.8');
  t.equal(libbpfVersionFromMap(MAP_73.replace(/LIBBPF_1\.10\.0 \{\n\} LIBBPF_1\.8\.0;\n/, '')), '1.8.0');
  t.equal(libbpfVersionFromMap('LIBBPF_0.0.1 {\n};\n'), '0.0.1');
  t.equal(libbpfVersionFromMap('} LIBBPF_1.8.0;\n'), null, 'a parent reference is not a node');
  t.equal(libbpfVersionFromMap(''), null);
});

t.test('parseBpftoolVersion: bpftool 7.8 built from 7.3 and Debian 12\'s 7.1', async (t) => {
  t.same(parseBpftoolVersion('bpftool v7.8.0\nusing libbpf v1.8\nfeatures: skeletons, bootstrap\n'), { bpftool: '7.8.0', libbpf: '1.8' });
  t.same(parseBpftoolVersion('bpftool v7.1.0\nusing libbpf v1.1\nfeatures: libbfd, skeletons\n'), { bpftool: '7.1.0', libbpf: '1.1' });
  // the bootstrap bpftool of 6.1.192's tree, as it printed itself (argv[0] first)
  t.same(parseBpftoolVersion('/tmp/bt61/bootstrap/bpftool v7.1.0\nusing libbpf v1.1\nfeatures: libbpf_strict\n'), { bpftool: '7.1.0', libbpf: '1.1' });
  t.equal(parseBpftoolVersion('Usage: bpftool [OPTIONS] OBJECT\n'), null);
});

t.test('toolsBuildKey: named by the libbpf version; any input file, its content or the recipe changes it', async (t) => {
  const files = [{ path: 'tools/lib/bpf/libbpf.c', sha256: 'a' }, { path: 'tools/bpf/bpftool/btf.c', sha256: 'b' }];
  const key = toolsBuildKey('1.8.0', files, 'r1');
  t.match(key, /^libbpf-1\.8\.0-[0-9a-f]{12}$/);
  t.equal(toolsBuildKey('1.8.0', [...files].reverse(), 'r1'), key, 'file order does not matter');
  t.not(toolsBuildKey('1.8.0', [files[0]!, { ...files[1]!, sha256: 'c' }], 'r1'), key, 'an edited file');
  t.not(toolsBuildKey('1.8.0', [...files, { path: 'tools/include/uapi/linux/bpf.h', sha256: 'd' }], 'r1'), key, 'an added file');
  t.not(toolsBuildKey('1.8.0', files, 'r2'), key, 'a new recipe');
  t.match(toolsBuildKey('1.5.0', files, 'r1'), /^libbpf-1\.5\.0-/, 'another version, another name');
});

// nm output recorded from libbpf.a built from 7.3.4's tree, and nm -D of Debian 12's libbpf.so.1.1.2.
const NM_18 = `0000000000018870 T bpf_object__load
000000000000d910 T bpf_object__open_mem
00000000000199c0 T bpf_object__prepare
0000000000006240 T bpf_program__clone
                 U elf_begin
`;
const NM_11 = `0000000000027da0 T bpf_object__load@@LIBBPF_0.0.1
                 U bpf_object__prepare
`;

t.test('definedApis: the optional APIs the library defines, never the ones it only references', async (t) => {
  t.same(definedApis(NM_18), ['bpf_object__prepare', 'bpf_program__clone']);
  t.same(definedApis(NM_11), [], 'libbpf 1.1 has neither (an undefined reference does not count)');
  t.same(definedApis('0000000000001000 T bpf_program__clone@@LIBBPF_1.8.0\n'), ['bpf_program__clone'], 'versioned symbols of a shared libbpf');
  t.same(featureDefines(['bpf_object__prepare', 'bpf_program__clone']),
    ['BPF_VERDICT_HAVE_BPF_OBJECT__PREPARE=1', 'BPF_VERDICT_HAVE_BPF_PROGRAM__CLONE=1']);
});

t.test('toolsSource: a kernel is served by its own tree; file: kernels and --tools debian by the host\'s', async (t) => {
  const auto = parseToolsChoice(undefined);
  t.same(toolsSource('src:/home/u/bpf-next+fix.patch', auto), { kind: 'tree', tree: '/home/u/bpf-next' });
  t.same(toolsSource('debian:7.3', auto), { kind: 'debian-source', series: '7.3' });
  t.same(toolsSource('debian:6.12.117', auto), { kind: 'debian-source', series: '6.12' }, 'an exact version: its line\'s source');
  t.match(toolsSource('file:/boot/vmlinuz', auto), { kind: 'host', why: /without its source tree/ });
  t.same(toolsSource('debian:7.3', parseToolsChoice('debian')), { kind: 'host', why: null }, 'asked for: no note');
  t.same(toolsSource('file:/boot/vmlinuz', parseToolsChoice('/src/linux')), { kind: 'tree', tree: '/src/linux' });
  t.same(parseToolsChoice('src:/src/linux'), { kind: 'tree', tree: '/src/linux' }, 'src: prefix accepted');
  t.throws(() => parseToolsChoice(''), UsageError);
});

t.test('libbpfLabel: the manifest\'s version and origin, else the host\'s shared libbpf', async (t) => {
  t.equal(libbpfLabel('v1.8', { libbpfVersion: '1.8.0', origin: 'tools/lib/bpf of linux-source-7.3 7.3.4-1~bpo13+1', apis: [] }),
    'libbpf 1.8.0 (tools/lib/bpf of linux-source-7.3 7.3.4-1~bpo13+1)');
  t.match(libbpfLabel('v1.1', null), /^libbpf 1\.1 \(the host's shared libbpf/);
});

t.test('resolveTools: a file: kernel gets the host\'s libbpf and bpftool, and a note saying why and what to do', async (t) => {
  const said: string[] = [];
  const tools = await resolveTools('file:/boot/vmlinuz', parseToolsChoice('auto'), (m) => said.push(m));
  t.equal(tools.addon, null, 'setup.sh\'s addon');
  t.equal(tools.bpftool.id, 'host');
  t.match(tools.bpftool.version, /^\d+\.\d+\.\d+$/);
  t.match(tools.libbpf, /^libbpf \S+ \(the host's shared libbpf/);
  t.match(tools.note, /file:\/boot\/vmlinuz comes without its source tree: loading with the host's libbpf .*--tools/);
  t.same(said, [tools.note], 'said once, on the progress channel');
  const asked = await resolveTools('file:/boot/vmlinuz', parseToolsChoice('debian'));
  t.equal(asked.note, undefined, 'no note when the host\'s were asked for');
});

// readelf -sW / -SW of libbpf.a built from linux-source-6.12's tools/lib/bpf (libbpf 1.5.0), the lines that matter.
const SYMS_15 = `
File: libbpf.a(libbpf-in.o)

Symbol table '.symtab' contains 2173 entries:
   Num:    Value          Size Type    Bind   Vis      Ndx Name
  1644: 000000000001eaf0   169 FUNC    GLOBAL DEFAULT    1 btf__free
  1713: 000000000001ff20    15 FUNC    GLOBAL DEFAULT    1 btf__find_by_name_kind
  1836: 000000000001ff10    13 FUNC    GLOBAL HIDDEN     1 btf__find_by_name_kind_own
  1872: 000000000001c6c0   244 FUNC    GLOBAL DEFAULT    1 bpf_prog_bind_map
  2030: 00000000000240b0   477 FUNC    GLOBAL DEFAULT    1 btf__load_vmlinux_btf
  2127: 0000000000019260  2217 FUNC    GLOBAL DEFAULT    1 bpf_prog_load
`;
const SECTIONS_15 = `
Section Headers:
  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al
  [ 0]                   NULL            0000000000000000 000000 000000 00      0   0  0
  [ 1] .text             PROGBITS        0000000000000000 000040 03a558 00  AX  0   0 16
  [ 2] .rela.text        RELA            0000000000000000 065d60 023fb8 18   I 25   1  8
`;

t.test("overrides (the kernel's BTF shared, each program's load request kept): each libbpf original made weak and given a second name at its own place", async (t) => {
  t.same(overrideObjcopyArgs(SYMS_15, SECTIONS_15), [
    '--add-symbol', 'bpf_verdict_real_btf__load_vmlinux_btf=.text:0x00000000000240b0,global,function', '--weaken-symbol', 'btf__load_vmlinux_btf',
    '--add-symbol', 'bpf_verdict_real_btf__free=.text:0x000000000001eaf0,global,function', '--weaken-symbol', 'btf__free',
    '--add-symbol', 'bpf_verdict_real_btf__find_by_name_kind=.text:0x000000000001ff20,global,function', '--weaken-symbol', 'btf__find_by_name_kind',
    '--add-symbol', 'bpf_verdict_real_bpf_prog_load=.text:0x0000000000019260,global,function', '--weaken-symbol', 'bpf_prog_load',
    '--add-symbol', 'bpf_verdict_real_bpf_prog_bind_map=.text:0x000000000001c6c0,global,function', '--weaken-symbol', 'bpf_prog_bind_map',
  ]);
  t.throws(() => overrideObjcopyArgs(SYMS_15.replace(/.* btf__free\n/, ''), SECTIONS_15), /btf__free 0 times/, 'a libbpf without one of them is refused, not half-rewritten');
  t.throws(() => overrideObjcopyArgs(SYMS_15, ''), /section 1/);
  t.equal(realName('btf__free'), 'bpf_verdict_real_btf__free');
});
