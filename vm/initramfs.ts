// The guest image: a newc initramfs with busybox-static, the host's node and the
// libraries it links (ldd), the libbpf addon and its libraries, and the compiled agent.
// Cached under <cache>/images/<hash of inputs>/ and rebuilt only when an input changes.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
import { checkEntry, discardEntry, sealEntry } from './cache-integrity.js';
import { dataPadding, encodeEntry, encodeTrailer, type CpioEntry } from './cpio.js';
import { GuestImageError } from './errors.js';
import { AGENT_DIR, INIT_SCRIPT } from './guest-init.js';
import { ADDON_FILE, ADDON_MANIFEST } from '../harness/native.js';

const FORMAT = 1; // bump when the layout changes
const BUSYBOX = '/bin/busybox';
const SMALL_FILE = 1 << 20;
const KEEP_IMAGES = 4;
const IMAGE_FILE = 'initramfs.cpio';

/** One file of the image: copied from the host, or generated. */
export type ImageFile =
  | { guest: string; host: string; mode: number }
  | { guest: string; content: Buffer; mode: number };

export interface GuestImage { path: string; hash: string; files: number; bytes: number }

/** dist/ root (this file is dist/vm/initramfs.js once compiled). */
function distRoot(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

export function parseLdd(output: string): string[] {
  const libs: string[] = [];
  for (const line of output.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

async function ldd(file: string): Promise<string[]> {
  const r = await execa('ldd', [file], { reject: false });
  if (r.exitCode !== 0) throw new GuestImageError(`ldd ${file} failed: ${r.stderr || r.stdout}`, 'is it a dynamically linked ELF?');
  return parseLdd(r.stdout);
}

/** dist/ directories copied into the guest, at the same relative paths (so relative imports resolve). */
export const GUEST_DIRS = ['harness', 'src/shared'];

/**
 * The host's node without its symbol table and debug info (strip --strip-all keeps .dynsym, which the
 * addon links against): Debian's and NodeSource's node ship ~12 MB of them, and under TCG the guest
 * kernel copies every byte of the initramfs into memory at ~80 MB/s before /init runs. Cached per
 * node binary (path, size, mtime, inode); the node itself when strip is missing or fails.
 */
async function strippedNode(node: string): Promise<string> {
  const st = statSync(node);
  const key = createHash('sha256').update(`${realpathSync(node)} ${st.size} ${st.mtimeMs} ${st.ino}`).digest('hex').slice(0, 16);
  const dir = join(await cacheDir('node-stripped'), key);
  const out = join(dir, 'node');
  if (existsSync(out)) return out;
  try {
    await publishDir(dir, async (tmp) => {
      const r = await execa('strip', ['--strip-all', '-o', join(tmp, 'node'), node], { reject: false });
      if (r.exitCode !== 0) throw new Error(r.stderr);
    }, 'a stripped node');
    return out;
  } catch {
    // Another run may have published it meanwhile (its strip won); the node itself would make a second image.
    return existsSync(out) ? out : node;
  }
}

export async function imageFiles(addonPath: string, modules: string[] = []): Promise<ImageFile[]> {
  const node = process.execPath;
  const files: ImageFile[] = [
    { guest: '/init', content: Buffer.from(INIT_SCRIPT), mode: 0o755 },
    { guest: BUSYBOX, host: BUSYBOX, mode: 0o755 },
    { guest: node, host: await strippedNode(node), mode: 0o755 },
    { guest: `${AGENT_DIR}/package.json`, content: Buffer.from('{"type":"module"}\n'), mode: 0o644 },
    { guest: `${AGENT_DIR}/harness/${ADDON_FILE}`, host: addonPath, mode: 0o755 },
  ];
  // Where the addon's libbpf came from (vm/addon-build.ts): the agent names it in every result.
  const manifest = addonPath.replace(/\.node$/, '.json');
  if (existsSync(manifest)) files.push({ guest: `${AGENT_DIR}/harness/${ADDON_MANIFEST}`, host: manifest, mode: 0o644 });
  if (!existsSync(BUSYBOX)) throw new GuestImageError(`${BUSYBOX} is missing`, 'install busybox-static (bash scripts/setup.sh)');
  // The agent imports only its own guest code (harness/), the neutral layer it shares with the
  // host (src/shared: the protocol) and node: built-ins; test/layers.test.ts keeps it that way.
  for (const dir of GUEST_DIRS) {
    const host = join(distRoot(), dir);
    for (const f of (await readdir(host)).filter((f) => f.endsWith('.js')).sort()) {
      files.push({ guest: `${AGENT_DIR}/${dir}/${f}`, host: join(host, f), mode: 0o644 });
    }
  }
  modules.forEach((m, i) => files.push({ guest: `${AGENT_DIR}/modules/${i}-${basename(m)}`, host: m, mode: 0o644 }));
  const libs = new Set([...(await ldd(node)), ...(await ldd(addonPath))]);
  for (const lib of [...libs].sort()) files.push({ guest: lib, host: lib, mode: 0o755 });
  return files;
}

/** Hash of everything that ends up in the image: paths, modes, and host file identity. */
export function imageHash(files: ImageFile[]): string {
  const h = createHash('sha256').update(`bpf-verdict-initramfs-v${FORMAT}\n`);
  for (const f of files) {
    h.update(`${f.guest} ${f.mode.toString(8)} `);
    if ('content' in f) h.update(f.content);
    else {
      const st = statSync(f.host);
      // Small files (agent JS, the addon) by content: a rebuild that changes nothing keeps the image.
      // Big ones (node, libc) by size + mtime + inode of the resolved file: cheap, and any reinstall changes them.
      if (st.size < SMALL_FILE) h.update(readFileSync(f.host));
      else h.update(`${realpathSync(f.host)} ${st.size} ${st.mtimeMs} ${st.ino}`);
    }
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

/** Directories every path needs, parents first. */
export function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>(['/dev', '/proc', '/sys', '/tmp', '/bin', '/usr', '/usr/bin']);
  for (const p of paths) for (let d = posix.dirname(p); d !== '/'; d = posix.dirname(d)) dirs.add(d);
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

export async function buildGuestImage(opts: { addonPath: string; modules?: string[]; onProgress?: (msg: string) => void }): Promise<GuestImage> {
  const files = await imageFiles(opts.addonPath, opts.modules);
  const hash = imageHash(files);
  const dir = join(await cacheDir('images'), hash);
  const path = join(dir, IMAGE_FILE);
  if (existsSync(path)) {
    const check = await checkEntry(dir, [IMAGE_FILE]);
    if (check.ok === 'unsealed') await sealEntry(dir, [IMAGE_FILE]);   // written before seals existed: adopt it
    if (check.ok !== false) return { path, hash, files: files.length, bytes: statSync(path).size };
    opts.onProgress?.(`cached guest image ${dir} is damaged: ${check.reason}; building it again`);
    await discardEntry(dir);
  }
  opts.onProgress?.(`building guest image ${hash} (${files.length} files)`);
  await publishDir(dir, async (tmp) => {
    await writeImage(join(tmp, IMAGE_FILE), files);
    await sealEntry(tmp, [IMAGE_FILE]);
  }, `the guest image ${hash}`);
  await pruneImages(dirname(dir), KEEP_IMAGES);
  return { path, hash, files: files.length, bytes: statSync(path).size };
}

/**
 * Each image is ~105 MB and every agent rebuild makes a new one: keep the newest few.
 * (A QEMU still running from a removed image is unaffected: Linux keeps the open file.)
 */
async function pruneImages(imagesDir: string, keep: number): Promise<void> {
  const dirs = (await readdir(imagesDir)).filter((d) => !d.includes('.tmp-') && !d.includes('.damaged-')).map((d) => join(imagesDir, d));
  const byAge = dirs.map((d) => ({ d, t: statSync(d).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { d } of byAge.slice(keep)) await rm(d, { recursive: true, force: true });
}

async function writeImage(out: string, files: ImageFile[]): Promise<void> {
  const ws = createWriteStream(out);
  let failure: Error | null = null;
  ws.on('error', (e) => { failure = e; });
  // Wait for 'drain', or fail on the stream's error (a full disk never drains).
  const write = (b: Buffer): Promise<void> => {
    if (failure) return Promise.reject(failure);
    if (ws.write(b)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => { ws.off('error', onError); resolve(); };
      const onError = (e: Error) => { ws.off('drain', onDrain); reject(e); };
      ws.once('drain', onDrain);
      ws.once('error', onError);
    });
  };
  try {
    let ino = 1;
    const entries: CpioEntry[] = [
      ...parentDirs(files.map((f) => f.guest)).map((path): CpioEntry => ({ kind: 'dir', path })),
      // The kernel opens /dev/console for PID 1 before /init can mount devtmpfs.
      { kind: 'chardev', path: '/dev/console', major: 5, minor: 1, mode: 0o600 },
      { kind: 'symlink', path: '/bin/sh', target: 'busybox' },
    ];
    for (const e of entries) await write(encodeEntry(e, ino++));
    for (const f of files) {
      if ('content' in f) {
        await write(encodeEntry({ kind: 'file', path: f.guest, mode: f.mode, size: f.content.length }, ino++));
        await write(f.content);
        await write(dataPadding(f.content.length));
        continue;
      }
      const size = statSync(f.host).size; // follows symlinks: the guest gets the file itself
      await write(encodeEntry({ kind: 'file', path: f.guest, mode: f.mode, size }, ino++));
      for await (const chunk of createReadStream(f.host)) await write(chunk as Buffer);
      await write(dataPadding(size));
    }
    await write(encodeTrailer());
    ws.end();
    await finished(ws);
  } catch (err) {
    ws.destroy();
    const e = failure ?? (err as Error);
    throw new GuestImageError(`writing ${out} failed: ${e.message}`, 'is the cache directory full or read-only?', { cause: e });
  }
}
