// The object cache's seal, on real files in a temporary cache root (no clang needed): an intact
// object is a hit; a truncated or overwritten one is reported and treated as a miss; a manifest
// written before objects were sealed is a miss (compile once more).
import t from 'tap';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHasher, ObjectCache } from '../../src/build/cache.js';

const root = mkdtempSync(join(tmpdir(), 'bv-objcache-'));
const cache = new ObjectCache(root);
const src = join(root, 'x.c');
writeFileSync(src, 'int x;');

function put(key: string, bytes: string): string {
  const tmp = cache.tmpPath(key);
  writeFileSync(tmp, bytes);
  return cache.store(key, tmp, { source: src, deps: [], command: ['clang-19'] });
}

t.test('intact, truncated, overwritten', async (t) => {
  const key = 'ab'.repeat(32);
  const obj = put(key, 'ELF object bytes');
  t.equal(cache.lookup(key, new FileHasher()), obj);
  const damaged: string[] = [];
  truncateSync(obj, 3);
  t.equal(cache.lookup(key, new FileHasher(), (o, why) => damaged.push(`${o}: ${why}`)), null);
  writeFileSync(obj, 'ELF object BYTES');
  t.equal(cache.lookup(key, new FileHasher(), (o, why) => damaged.push(`${o}: ${why}`)), null);
  t.same(damaged, [`${obj}: 3 bytes, 16 when it was written (truncated?)`, `${obj}: its content changed since it was written`]);
  t.equal(put(key, 'ELF object bytes'), obj, 'a rebuild replaces it');
  t.equal(cache.lookup(key, new FileHasher()), obj);
});

t.test('a manifest from before objects were sealed is a miss', async (t) => {
  const key = 'cd'.repeat(32);
  const obj = put(key, 'old');
  writeFileSync(cache.paths(key).manifest, JSON.stringify({ source: src, deps: [], command: [] }));
  t.equal(cache.lookup(key, new FileHasher(), () => t.fail('not damage')), null);
  t.ok(obj);
});
