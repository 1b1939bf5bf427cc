// --shard I/N: the partition is complete, disjoint and stable (a file's shard depends on its own
// path only, relative to the corpus root), and the option is checked before anything runs.
import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverCorpus } from '../../src/run/corpus.js';
import { parseShard, shardCorpus, shardOf } from '../../src/run/shard.js';

// The real corpus: 80-odd C files in nested directories.
const corpus = discoverCorpus(['programs'], ['*.c'], []);

t.test('complete and disjoint: every file in exactly one shard, for several N', async (t) => {
  t.ok(corpus.sources.length > 50, `${corpus.sources.length} files`);
  for (const count of [1, 2, 3, 4, 7, 16]) {
    const parts = Array.from({ length: count }, (_, i) => shardCorpus(corpus, { index: i + 1, count }).sources);
    const all = parts.flat();
    t.equal(all.length, corpus.sources.length, `N=${count}: no file twice, none lost`);
    t.same([...new Set(all)].sort(), corpus.sources, `N=${count}: the same files`);
    if (count === 2) t.ok(parts.every((p) => p.length > corpus.sources.length / 5), `N=2 is not lopsided (${parts.map((p) => p.length).join('/')})`);
  }
});

t.test('stable: keyed by the path relative to the corpus root, whatever the checkout or the other files', async (t) => {
  const a = mkdtempSync(join(tmpdir(), 'bv-shard-a-'));
  const b = mkdtempSync(join(tmpdir(), 'bv-shard-b-'));
  const files = ['list/a.c', 'list/b.c', 'rbtree/c.c', 'd.c', 'e.o', 'x/y/z.c'];
  for (const root of [a, b]) for (const f of files) { mkdirSync(join(root, f, '..'), { recursive: true }); writeFileSync(join(root, f), ''); }
  writeFileSync(join(b, 'list', 'new.c'), '');  // one more file in the second checkout
  const split = (root: string) => {
    const c = discoverCorpus([root], ['*.c', '*.o'], []);
    return Object.fromEntries([...c.sources, ...c.objects].map((f) => [f.slice(root.length + 1), [1, 2, 3].find((i) => shardCorpus(c, { index: i, count: 3 }).sources.concat(shardCorpus(c, { index: i, count: 3 }).objects).includes(f))]));
  };
  const sa = split(a);
  const sb = split(b);
  for (const f of files) t.equal(sb[f], sa[f], `${f}: the same shard in another checkout, with a file added`);
  t.equal(shardOf('list/a.c', 3), sa['list/a.c'], 'shardOf is the function of the relative path');
});

t.test('--shard is checked: I/N with 1 <= I <= N', async (t) => {
  t.same(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/2', '3/2', '1/0', '2', 'a/b', '1/2/3', '-1/2', '1/2000']) t.throws(() => parseShard(bad), /--shard wants I\/N/, bad);
});
