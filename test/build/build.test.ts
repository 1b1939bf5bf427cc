// Real clang-19; a hand-written stand-in vmlinux.h (the few types the test programs use).
import t from 'tap';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildObjects } from '../../src/build/build.js';
import { ObjectCache } from '../../src/build/cache.js';
import { parseDepFile, clangErrorSummary } from '../../src/build/clang.js';

const dir = mkdtempSync(join(tmpdir(), 'bv-build-'));
const kdir = join(dir, 'k');
const inc = join(dir, 'inc');
for (const d of [kdir, inc]) (await import('node:fs')).mkdirSync(d);
writeFileSync(join(kdir, 'vmlinux.h'), 'typedef unsigned int __u32;\nstruct __sk_buff { __u32 len; };\n');
writeFileSync(join(inc, 'mine.h'), '#define RET 0\n');
const good = join(dir, 'good.c');
writeFileSync(good, [
  '#include "vmlinux.h"',
  '#include "mine.h"',
  '__attribute__((section("tc"), btf_decl_tag("comment:test_expect_success")))',
  'int prog(struct __sk_buff *skb) { return skb->len > 10 ? 1 : RET; }',
  'char _license[] __attribute__((section("license"))) = "GPL";',
].join('\n'));
const broken = join(dir, 'broken.c');
writeFileSync(broken, '#include "vmlinux.h"\nint f(void) { return undeclared_thing; }\n');

const opts = () => ({ vmlinuxHeader: join(kdir, 'vmlinux.h'), includeDirs: [inc], cflags: [], cache: new ObjectCache(join(dir, 'cache')) });

t.test('compiles, caches, recompiles on a header change; a broken file is a result', async (t) => {
  const first = await buildObjects([good, broken], opts());
  t.equal(first[0]!.ok, true);
  t.equal(first[0]!.ok && first[0]!.cached, false);
  const obj = first[0]!.ok ? first[0]!.object : '';
  t.same([...readFileSync(obj).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], 'an ELF file');
  t.equal(first[1]!.ok, false);
  t.match(!first[1]!.ok && first[1]!.error, /broken\.c:2:\d+: error: use of undeclared identifier 'undeclared_thing'/);

  const second = await buildObjects([good], opts());
  t.equal(second[0]!.ok && second[0]!.cached, true, 'warm: nothing compiled');

  writeFileSync(join(inc, 'mine.h'), '#define RET 2\n');
  const third = await buildObjects([good], opts());
  t.equal(third[0]!.ok && third[0]!.cached, false, 'an included header changed: recompiled');

  writeFileSync(join(kdir, 'vmlinux.h'), 'typedef unsigned int __u32;\nstruct __sk_buff { __u32 len; __u32 pad; };\n');
  const fourth = await buildObjects([good], opts());
  t.equal(fourth[0]!.ok && fourth[0]!.cached, false, 'another kernel BTF: recompiled');
  t.not(fourth[0]!.ok && fourth[0]!.object, third[0]!.ok && third[0]!.object);
});

t.test('a missing vmlinux.h is a typed error naming the file', async (t) => {
  await t.rejects(buildObjects([good], { ...opts(), vmlinuxHeader: join(dir, 'nope.h') }), /nope\.h: cannot read the kernel's vmlinux\.h/);
});

t.test('dep files and clang summaries', async (t) => {
  t.same(parseDepFile('o.o: a.c /x/b\\ c.h \\\n  /usr/include/d.h\n'), ['a.c', '/x/b c.h', '/usr/include/d.h']);
  t.equal(clangErrorSummary('a.c:1:2: warning: w\na.c:3:4: error: e\n1 error generated.\n'), 'a.c:3:4: error: e\n1 error generated.');
});
