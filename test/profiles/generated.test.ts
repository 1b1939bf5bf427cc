// The generated part of each profile is what its kernel tree gives: regenerating
// src/profiles/linux-<line>/tree.generated.ts from the tree (fetched as Debian's linux-source
// package) changes nothing. A line joins by adding its entry: the series `kernel fetch
// debian-source:<series>` fetches.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readTreeData, renderTreeData } from '../../src/profiles/generate.js';
import { kernelTree } from '../fixtures/kernel-tree.js';

const LINES_WITH_TREES: { line: string; series: string }[] = [
  { line: '6.12', series: '6.12' },
  { line: '7.3', series: '7.3' },
];

const root = resolve(import.meta.dirname, '../../..');

for (const { line, series } of LINES_WITH_TREES) {
  t.test(`Linux ${line}: tree.generated.ts is what debian-source:${series} gives`, async (t) => {
    const tree = await kernelTree(series);
    const want = renderTreeData(line, basename(tree), readTreeData(tree));
    const have = readFileSync(resolve(root, 'src/profiles', `linux-${line}`, 'tree.generated.ts'), 'utf8');
    t.ok(want === have, `regenerate with: node dist/scripts/gen-profile-data.js ${line} ${tree}`);
    if (want !== have) {
      const w = want.split('\n'), h = have.split('\n');
      const i = w.findIndex((l, k) => l !== h[k]);
      t.comment(`first difference at line ${i + 1}:\n- ${h[i]}\n+ ${w[i]}`);
    }
  });
}

t.test('the extractor reads what the kernel writes', async (t) => {
  const { kfuncPrototypes, kfuncSets, messageFormats } = await import('../../src/profiles/extract.js');
  const src = [
    '/* "not a message" */ __bpf_kfunc int bpf_x(struct bpf_rb_root *root,',
    '\tbool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b), void *meta__ign, u64 off) { return 0; }',
    'BTF_KFUNCS_START(generic_btf_ids)',
    '#ifdef CONFIG_X',
    'BTF_ID_FLAGS(func, bpf_x, KF_ACQUIRE | KF_RET_NULL)',
    '#endif',
    'BTF_KFUNCS_END(generic_btf_ids)',
    'static void f(void) { verbose(env, "R%d has " "two parts\\n", 1); bpf_log(log, cond ? "a\\n" : "b %s\\n", x); }',
  ].join('\n');
  const protos = kfuncPrototypes(src);
  t.same(kfuncSets(src, protos), [{ name: 'bpf_x', set: 'generic_btf_ids', flags: ['KF_ACQUIRE', 'KF_RET_NULL'], ret: 'int',
    params: [{ type: 'struct bpf_rb_root *', name: 'root' }, { type: 'bool (*)()', name: 'less' }, { type: 'void *', name: 'meta__ign' }, { type: 'u64', name: 'off' }] }]);
  t.same(messageFormats(src), ['R%d has two parts', 'a', 'b %s']);
});
