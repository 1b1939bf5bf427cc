// Cache entry seals and publishing on real files in a temporary directory: a seal catches a
// truncated file and a same-size change, an entry from before seals is reported as such, a full
// disk while publishing is a CacheFullError naming the entry, and abandoned temporaries are swept.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEntry, discardEntry, sealEntry } from '../../vm/cache-integrity.js';
import { publishDir } from '../../vm/cache.js';
import { CacheFullError, isNoSpace } from '../../vm/errors.js';

const base = mkdtempSync(join(tmpdir(), 'bv-seal-'));

async function entry(name: string): Promise<string> {
  const d = join(base, name);
  mkdirSync(join(d, 'modules'), { recursive: true });
  writeFileSync(join(d, 'bzImage'), Buffer.alloc(10_000, 7));
  writeFileSync(join(d, 'modules', 'a.ko'), 'module');
  await sealEntry(d, ['bzImage', 'modules/a.ko']);
  return d;
}

t.test('a sealed entry checks out; truncation and a same-size change do not', async (t) => {
  const d = await entry('e1');
  t.same(await checkEntry(d, ['bzImage', 'modules/a.ko']), { ok: true });
  truncateSync(join(d, 'bzImage'), 5000);
  t.same(await checkEntry(d, ['bzImage']), { ok: false, reason: 'bzImage is 5000 bytes, 10000 when it was written (truncated?)' });

  const d2 = await entry('e2');
  const fd = openSync(join(d2, 'modules', 'a.ko'), 'r+');
  writeSync(fd, 'M', 0);
  closeSync(fd);
  const c = await checkEntry(d2, ['modules/a.ko']);
  t.equal(c.ok, false);
  if (c.ok === false) t.match(c.reason, /^modules\/a\.ko's content changed since it was written \(sha256 \w{12}, recorded \w{12}\)$/);
  t.same(await checkEntry(d2, ['missing']), { ok: false, reason: 'missing is not in integrity.json' });
});

t.test('an entry without a seal is "unsealed"; a damaged one is discarded whole', async (t) => {
  const d = join(base, 'old');
  mkdirSync(d);
  writeFileSync(join(d, 'bzImage'), 'x');
  t.same(await checkEntry(d, ['bzImage']), { ok: 'unsealed' });
  await discardEntry(d);
  t.notOk(existsSync(d));
  await discardEntry(d);   // a parallel run got there first: fine
  t.same(readdirSync(base).filter((n) => n.startsWith('old')), []);
});

t.test('ENOSPC while publishing is a CacheFullError naming the entry; the temporary directory is gone', async (t) => {
  const final = join(base, 'full');
  const err = await publishDir(final, async (tmp) => {
    writeFileSync(join(tmp, 'part'), 'half');
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }, 'the guest image abc').catch((e: unknown) => e);
  t.type(err, CacheFullError);
  t.equal((err as CacheFullError).message, `no space left on the device while writing the guest image abc to ${final}; nothing was kept in the cache`);
  t.match((err as CacheFullError).describe(), /hint: free space there \(df -h .*\), or put the cache on a bigger disk: XDG_CACHE_HOME=/);
  t.same(readdirSync(base).filter((n) => n.startsWith('full')), []);
  t.ok(isNoSpace(new Error('E: Failed to fetch http://x/y.deb  Error writing to file - write (28: No space left on device)')), 'apt-get\'s words');
  t.notOk(isNoSpace(new Error('Could not resolve host')));
});

t.test('temporaries of a process that no longer exists are swept on the next publish; live ones are kept', async (t) => {
  const final = join(base, 'sweep');
  mkdirSync(`${final}.tmp-999999999-1`);          // no such pid
  mkdirSync(`${final}.tmp-${process.pid}-2`);     // ours: alive
  await publishDir(final, async (tmp) => writeFileSync(join(tmp, 'f'), 'x'));
  t.same(readdirSync(base).filter((n) => n.startsWith('sweep')).sort(), ['sweep', `sweep.tmp-${process.pid}-2`]);
});
