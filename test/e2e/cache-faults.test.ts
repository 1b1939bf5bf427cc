// The cache under stress, for real: `bpf-verdict run` (Debian's 6.12 in QEMU, a two-file corpus)
// with a private cache root (XDG_CACHE_HOME), so the shared cache is never touched.
// - two runs at once on a cold cache: both succeed; every entry is whole and sealed, no leftovers;
// - then a truncated kernel, a guest image with one byte changed, a truncated vmlinux.h and a
//   truncated object: each is detected, rebuilt with a note on stderr, and the run succeeds;
// - a full disk (a small tmpfs mounted here) while the kernel, then the guest image, is written:
//   exit 3 with a message naming the entry's path and the fix, nothing half-written left.
import t, { type Test } from 'tap';
import { cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { checkEntry } from '../../vm/cache-integrity.js';
import { sha256 } from '../../src/build/cache.js';

const bin = join(process.cwd(), 'bin', 'bpf-verdict.js');
const CORPUS = ['programs/alloc/leak.c', 'programs/alloc/obj_drop.c'];
const xdg = mkdtempSync(join(tmpdir(), 'bv-cache-'));
const root = join(xdg, 'bpf-verdict');
t.teardown(() => rmSync(xdg, { recursive: true, force: true }));

function run(cacheHome: string, extra: { args?: string[]; env?: Record<string, string> } = {}) {
  return execa('node', [bin, 'run', '--kernel', 'debian:6.12', '--no-color', ...(extra.args ?? []), ...CORPUS],
    { env: { XDG_CACHE_HOME: cacheHome, ...extra.env }, reject: false, timeout: 20 * 60_000 });
}

/** Every file under `dir`, relative. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [join(rel, e.name) + '/', ...walk(dir, join(rel, e.name))] : [join(rel, e.name)]);
}

const entries = (kind: string) => readdirSync(join(root, kind)).filter((d) => statSync(join(root, kind, d)).isDirectory() && d !== 'logs').map((d) => join(root, kind, d));
const kernelFiles = (dir: string) => ['bzImage', 'modules.json', ...(JSON.parse(readFileSync(join(dir, 'modules.json'), 'utf8')) as string[]).map((m) => `modules/${m}`)];
const objects = () => walk(join(root, 'objects')).filter((f) => f.endsWith('.o')).map((f) => join(root, 'objects', f));

async function assertCacheWhole(t: Test): Promise<void> {
  t.same(walk(root).filter((f) => /\.tmp|\.damaged-/.test(f)), [], 'no temporary or damaged leftovers anywhere in the cache');
  const kernels = entries('kernels');
  t.equal(kernels.length, 1, 'one kernel entry');
  for (const k of kernels) t.same(await checkEntry(k, kernelFiles(k)), { ok: true }, `${k} is sealed and whole`);
  t.equal(entries('images').length, 1, `one guest image (${entries('images').map((i) => `${i}: ${readdirSync(i).join(' ')}`).join('; ')})`);
  for (const i of entries('images')) t.same(await checkEntry(i, ['initramfs.cpio']), { ok: true }, `${i} is sealed and whole`);
  for (const b of entries('btf')) t.same(await checkEntry(b, ['vmlinux.btf', 'vmlinux.h']), { ok: true }, `${b} is sealed and whole`);
  t.equal(objects().length, CORPUS.length, 'one object per source');
  for (const o of objects()) {
    const m = JSON.parse(readFileSync(o.replace(/\.o$/, '.json'), 'utf8')) as { object: { size: number; sha256: string } };
    t.equal(sha256(readFileSync(o)), m.object.sha256, `${o} matches its manifest`);
  }
}

t.test('two runs at once on a cold cache both succeed and leave every entry whole', async (t) => {
  const [a, b] = await Promise.all([run(xdg), run(xdg)]);
  for (const r of [a, b]) {
    t.equal(r.exitCode, 0, `exit 0 (stderr tail: ${r.stderr.slice(-800)})`);
    t.match(r.stdout, /everything agrees or is declared/);
  }
  t.match(a.stderr + b.stderr, /downloading linux-image-6\.12/, 'the kernel was not cached before');
  await assertCacheWhole(t);
});

t.test('a damaged kernel, guest image, vmlinux.h and object are each rebuilt with a note', async (t) => {
  const [kernel] = entries('kernels');
  const [image] = entries('images');
  const [btf] = entries('btf');
  const object = objects()[0]!;
  truncateSync(join(kernel!, 'bzImage'), statSync(join(kernel!, 'bzImage')).size >> 1);
  const fd = openSync(join(image!, 'initramfs.cpio'), 'r+');   // same size, one byte different
  writeSync(fd, Buffer.from([0xff]), 0, 1, statSync(join(image!, 'initramfs.cpio')).size >> 1);
  closeSync(fd);
  truncateSync(join(btf!, 'vmlinux.h'), 4096);
  truncateSync(object, 100);

  const r = await run(xdg);
  t.equal(r.exitCode, 0, `exit 0 (stderr tail: ${r.stderr.slice(-800)})`);
  t.match(r.stderr, /cached kernel .*kernels\/debian-6\.12\.\S+ is damaged: bzImage is \d+ bytes, \d+ when it was written \(truncated\?\); downloading it again/);
  t.match(r.stderr, /cached guest image .*images\/\w+ is damaged: initramfs\.cpio's content changed since it was written/);
  t.match(r.stderr, /cached BTF .*btf\/debian-6\.12\.\S+ is damaged: vmlinux\.h is 4096 bytes/);
  t.match(r.stderr, /cached object .*\.o for .*programs\/alloc\/\w+\.c is damaged \(100 bytes, \d+ when it was written \(truncated\?\)\); compiling it again/);
  await assertCacheWhole(t);
});

t.test('a full disk while the kernel, then the guest image, is written: exit 3 naming the path, nothing half-written', async (t) => {
  const mnt = mkdtempSync(join(tmpdir(), 'bv-full-'));
  let mounted = false;
  t.teardown(async () => {
    if (mounted) await execa('umount', [mnt], { reject: false });
    rmSync(mnt, { recursive: true, force: true });
  });
  // 30 MiB: less than the kernel package (~107 MB) while it downloads.
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=30m', 'tmpfs', mnt]);
  mounted = true;
  const small = join(mnt, 'bpf-verdict');
  // What is written first is the point here: apt's lists (~250 MB) come from the ordinary cache
  // (BPF_VERDICT_APT_DIR) and the host's libbpf serves (--tools debian, no source tree to fetch),
  // so the kernel is the first thing written to the small disk, then the guest image.
  const onSmall = { args: ['--tools', 'debian'], env: { BPF_VERDICT_APT_DIR: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bpf-verdict', 'apt', 'debian') } };

  const k = await run(mnt, onSmall);
  t.equal(k.exitCode, 3, `exit 3 (stdout: ${k.stdout.slice(-600)})`);
  t.match(k.stdout, new RegExp(`no space left on the device while writing the kernel linux-image-6\\.12\\S+ \\S+ to ${small}/kernels/debian-6\\.12`));
  t.match(k.stdout, /hint: free space there \(df -h .*\), or put the cache on a bigger disk: XDG_CACHE_HOME=/);
  t.notMatch(k.stdout + k.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  t.same(readdirSync(join(small, 'kernels')), [], 'nothing kept in kernels/ (no entry, no temporary directory)');

  // The kernel (12 MB) fits; the guest image (~100 MB) does not.
  const [kernel] = entries('kernels');
  cpSync(kernel!, join(small, 'kernels', kernel!.split('/').at(-1)!), { recursive: true, preserveTimestamps: true });
  const i = await run(mnt, onSmall);
  t.equal(i.exitCode, 3, `exit 3 (stdout: ${i.stdout.slice(-600)})`);
  t.match(i.stdout, new RegExp(`no space left on the device while writing the guest image \\w+ to ${small}/images/\\w+; nothing was kept in the cache`));
  t.notMatch(i.stdout + i.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
  t.same(readdirSync(join(small, 'images')), [], 'nothing kept in images/');
  t.same(walk(small).filter((f) => /\.tmp/.test(f)), [], 'no temporary files anywhere');
  mkdirSync(join(small, 'ok'));   // the disk is usable again once the failed write is gone
});

t.test("a disk too small for apt's lists: exit 3 naming the place at once, not a stalled apt-get", async (t) => {
  const mnt = mkdtempSync(join(tmpdir(), 'bv-apt-'));
  let mounted = false;
  t.teardown(async () => {
    if (mounted) await execa('umount', [mnt], { reject: false });
    rmSync(mnt, { recursive: true, force: true });
  });
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=30m', 'tmpfs', mnt]);
  mounted = true;
  const r = await run(mnt);
  t.equal(r.exitCode, 3, `exit 3 (stdout: ${r.stdout.slice(-600)})`);
  t.match(r.stdout, new RegExp(`no space left on the device while writing bpf-verdict's apt lists .* to ${join(mnt, 'bpf-verdict')}/apt/debian`));
  t.notMatch(r.stdout + r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace');
});
