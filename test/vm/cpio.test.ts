import t from 'tap';
import { execa } from 'execa';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPadding, encodeEntry, encodeTrailer, pad4, parseCpio } from '../../vm/cpio.js';

function archive(): Buffer {
  const parts: Buffer[] = [];
  parts.push(encodeEntry({ kind: 'dir', path: '/bin' }, 1));
  parts.push(encodeEntry({ kind: 'chardev', path: '/dev/console', major: 5, minor: 1 }, 2));
  parts.push(encodeEntry({ kind: 'symlink', path: '/bin/sh', target: 'busybox' }, 3));
  const data = Buffer.from('hello, guest\n'); // 13 bytes: exercises data padding
  parts.push(encodeEntry({ kind: 'file', path: '/init', mode: 0o755, size: data.length }, 4), data, dataPadding(data.length));
  parts.push(encodeTrailer());
  return Buffer.concat(parts);
}

t.test('pad4 rounds up to the next multiple of 4', async (t) => {
  t.same([0, 1, 2, 3, 4, 5].map(pad4), [0, 3, 2, 1, 0, 3]);
});

t.test('headers are 110 ASCII bytes with the newc magic, names NUL-terminated and padded', async (t) => {
  const h = encodeEntry({ kind: 'dir', path: '/abc' }, 7);
  t.equal(h.toString('ascii', 0, 6), '070701');
  t.equal(h.length % 4, 0);
  t.equal(h.toString('ascii', 110, 114), 'abc\0', 'leading slash dropped, NUL-terminated');
  t.equal(parseInt(h.toString('ascii', 6, 14), 16), 7, 'inode field');
});

t.test('our parser reads back what the writer wrote', async (t) => {
  const entries = parseCpio(archive());
  t.same(entries.map((e) => e.path), ['bin', 'dev/console', 'bin/sh', 'init']);
  t.equal(entries[1]!.mode & 0o170000, 0o020000, 'character device');
  t.same(entries[1]!.rdev, [5, 1]);
  t.equal(entries[2]!.data.toString(), 'busybox', 'symlink target is the data');
  t.equal(entries[3]!.data.toString(), 'hello, guest\n');
  t.equal(entries[3]!.mode & 0o777, 0o755);
});

t.test('GNU cpio (real tool) lists and extracts the archive', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cpio-test-'));
  const file = join(dir, 'a.cpio');
  await writeFile(file, archive());
  const list = await execa('cpio', ['-it', '--quiet'], { inputFile: file });
  t.same(list.stdout.split('\n'), ['bin', 'dev/console', 'bin/sh', 'init']);
  await execa('cpio', ['-id', '--quiet', '--no-absolute-filenames', 'init'], { inputFile: file, cwd: dir });
  t.equal(await readFile(join(dir, 'init'), 'utf8'), 'hello, guest\n');
});

t.test('out-of-range fields are errors, not silent truncation', async (t) => {
  t.throws(() => encodeEntry({ kind: 'file', path: '/big', size: 2 ** 33 }, 1), RangeError);
  t.throws(() => encodeEntry({ kind: 'file', path: '', size: 0 }, 1), RangeError);
});
