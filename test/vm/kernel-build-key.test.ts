// Pure parts of source-kernel builds: keys, patch file lists, config checks, error extraction, seeds.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildKey, configHash, patchedFiles, parseConfig, unmetOptions, kconfigSymbols, absentOptions, buildErrorLines, buildStep, formatSrcSpec,
} from '../../vm/kernel-build-key.js';
import { chooseSeed, type CacheEntry } from '../../vm/kernel-build-cache.js';

const root = join(import.meta.dirname, '../../..');
const fixture = (n: string) => readFileSync(join(root, 'test/fixtures/patches', n), 'utf8');

t.test('buildKey: equal inputs give equal keys; each input changes it', async (t) => {
  const base = { tree: 'debian-source:linux-source-6.12=6.12.117-1~deb12u1', patches: [], config: 'c1' };
  t.equal(buildKey(base), buildKey({ ...base }));
  t.match(buildKey(base), /^[0-9a-f]{16}$/);
  t.not(buildKey(base), buildKey({ ...base, tree: 'tree:abc' }));
  t.not(buildKey(base), buildKey({ ...base, patches: ['p1'] }));
  t.not(buildKey({ ...base, patches: ['p1', 'p2'] }), buildKey({ ...base, patches: ['p2', 'p1'] }), 'patch order matters');
  t.not(buildKey(base), buildKey({ ...base, config: 'c2' }));
});

t.test('configHash covers fragment names, texts and the toolchain', async (t) => {
  const f = [{ name: 'a.config', text: 'CONFIG_BPF=y\n' }];
  const h = configHash('tinyconfig', f, ['gcc 12']);
  t.equal(h, configHash('tinyconfig', [{ ...f[0]! }], ['gcc 12']));
  t.not(h, configHash('tinyconfig', [{ name: 'a.config', text: 'CONFIG_BPF=n\n' }], ['gcc 12']));
  t.not(h, configHash('tinyconfig', f, ['gcc 13']));
  t.not(h, configHash('defconfig', f, ['gcc 12']));
});

t.test('patchedFiles reads the files a patch touches (git and plain diffs, new and deleted files)', async (t) => {
  t.same(patchedFiles(fixture('keep-non-owning-refs-after-unlock.patch')), ['kernel/bpf/verifier.c']);
  const git = [
    'diff --git a/x/new.c b/x/new.c', 'new file mode 100644', '--- /dev/null', '+++ b/x/new.c', '@@ -0,0 +1 @@', '+int x;',
    'diff --git a/y/old.c b/y/old.c', '--- a/y/old.c', '+++ /dev/null', '@@ -1 +0,0 @@', '-int y;',
  ].join('\n');
  t.same(patchedFiles(git), ['x/new.c', 'y/old.c']);
  t.same(patchedFiles('just text\n---\nno headers\n'), [], 'a commit message separator is not a file header');
});

t.test('unmetOptions: what the fragments asked for and the final .config lacks', async (t) => {
  const frag = { name: 'x.config', text: '# why\nCONFIG_A=y\n# why\nCONFIG_B=y\n# why\n# CONFIG_C is not set\nCONFIG_D="q"\n' };
  const final = 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_D="q"\n';
  t.same(unmetOptions([frag], final), [{ option: 'CONFIG_B', requested: 'y', actual: 'n', fragment: 'x.config' }]);
  t.equal(parseConfig(final).get('CONFIG_B'), 'n');
});

t.test('an option the tree does not define is absent, not unmet (one fragment, several kernel lines)', async (t) => {
  // 7.3's fs/proc/Kconfig defines SYSCTL with a prompt; 6.12's defines PROC_SYSCTL (recorded excerpts).
  const k73 = kconfigSymbols(['config PROC_FS\n\tbool "/proc file system support" if EXPERT\n', 'menuconfig NET\n\tbool\n', 'config SYSCTL\n\tbool "Sysctl support (/proc/sys)" if EXPERT\n\tdepends on PROC_FS\n\tdefault y\n']);
  t.same([...k73].sort(), ['CONFIG_NET', 'CONFIG_PROC_FS', 'CONFIG_SYSCTL']);
  const frag = { name: '20-node.config', text: '# why\nCONFIG_PROC_FS=y\n# why\nCONFIG_PROC_SYSCTL=y\n# why\nCONFIG_SYSCTL=y\n' };
  const final = 'CONFIG_PROC_FS=y\nCONFIG_SYSCTL=y\n';
  t.same(unmetOptions([frag], final, k73), [], 'PROC_SYSCTL is not a 7.3 option: nothing unmet');
  t.same(absentOptions([frag], k73), [{ option: 'CONFIG_PROC_SYSCTL', fragment: '20-node.config' }]);
  t.same(unmetOptions([frag], final).map((u) => u.option), ['CONFIG_PROC_SYSCTL'], 'without the tree\'s symbols it would count as unmet');
  t.same(unmetOptions([frag], 'CONFIG_PROC_FS=y\n', k73).map((u) => u.option), ['CONFIG_SYSCTL'], 'a defined option that did not stick is still unmet');
});

t.test("the project's fragments: every option has a comment saying why, and none conflict", async (t) => {
  const dir = join(root, 'kernel-config');
  const seen = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.config'))) {
    const lines = readFileSync(join(dir, name), 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (!l.startsWith('CONFIG_')) return;
      t.match(lines[i - 1] ?? '', /^# \S/, `${name}:${i + 1} ${l} has a comment above it`);
      const [opt, val] = l.split('=');
      if (seen.has(opt!)) t.equal(seen.get(opt!), val, `${opt} set consistently`);
      seen.set(opt!, val!);
    });
  }
  for (const opt of ['CONFIG_BPF_SYSCALL', 'CONFIG_BPF_JIT', 'CONFIG_DEBUG_INFO_BTF', 'CONFIG_VIRTIO_CONSOLE', 'CONFIG_ACPI', 'CONFIG_NET_CLS_BPF']) {
    t.equal(seen.get(opt), 'y', `${opt}=y is requested`);
  }
});

t.test('buildErrorLines picks the compiler error with its location (recorded gcc output)', async (t) => {
  // Recorded from a real failed build of the compile-error.patch fixture (trimmed).
  const out = [
    '  CC      kernel/bpf/tnum.o',
    '  CC      kernel/bpf/verifier.o',
    '../kernel/bpf/verifier.c:9889:39: error: expected expression before \';\' token',
    ' 9889 | static int bpf_verdict_broken_build = ; /* fixture: a patch that does not compile */',
    '      |                                       ^',
    'make[5]: *** [../scripts/Makefile.build:229: kernel/bpf/verifier.o] Error 1',
    'make[4]: *** [../scripts/Makefile.build:478: kernel/bpf] Error 2',
  ].join('\n');
  const lines = buildErrorLines(out);
  t.equal(lines[0], out.split('\n')[2]);
  t.ok(lines.some((l) => l.includes('bpf_verdict_broken_build')), 'the source line is kept');
  t.notOk(lines.some((l) => l.includes('tnum.o')), 'progress lines are not errors');
  t.same(buildErrorLines('  CC a.o\n  LD b\n'), []);
});

t.test('buildStep recognises kbuild progress lines', async (t) => {
  t.equal(buildStep('  CC      kernel/bpf/verifier.o'), 'CC kernel/bpf/verifier.o');
  t.equal(buildStep('  BTF     .btf.vmlinux.bin.o'), 'BTF .btf.vmlinux.bin.o');
  t.equal(buildStep('make[1]: Entering directory'), null);
});

t.test('formatSrcSpec writes what vm/kernel-spec.ts reads', async (t) => {
  t.equal(formatSrcSpec({ kind: 'src', tree: '/l', patches: ['/a.patch', '/b.patch'] }), 'src:/l+/a.patch+/b.patch');
});

t.test('chooseSeed: same config required; same tree with nearest patch set first; else same path', async (t) => {
  const e = (key: string, identity: string, path: string, shas: string[], config = 'c'): CacheEntry => ({
    key, dir: `/c/${key}`, spec: '', tree: { path, identity, kernelVersion: '6.12' },
    patches: shas.map((s) => ({ path: s, sha256: s, files: [] })), config: { hash: config, fragments: [], unmet: [] },
    release: '', builtAt: key, buildSeconds: 0, seededFrom: null,
  });
  const entries = [e('1', 'T', '/t', []), e('2', 'T', '/t', ['a', 'b']), e('3', 'U', '/u', []), e('4', 'T', '/t', ['a'], 'other')];
  t.equal(chooseSeed(entries, { identity: 'T', path: '/t', configHash: 'c', patchShas: ['a'] })?.key, '1', 'a tie (base and a+b both differ by one patch) goes to fewer patches');
  t.equal(chooseSeed(entries, { identity: 'T', path: '/t', configHash: 'c', patchShas: ['a', 'b', 'c'] })?.key, '2');
  t.equal(chooseSeed(entries, { identity: 'V', path: '/u', configHash: 'c', patchShas: [] })?.key, '3', 'edited tree at the same path');
  t.equal(chooseSeed(entries, { identity: 'V', path: '/v', configHash: 'c', patchShas: [] }), null);
  t.equal(chooseSeed(entries, { identity: 'T', path: '/t', configHash: 'zzz', patchShas: [] }), null, 'no seed across configs');
});
