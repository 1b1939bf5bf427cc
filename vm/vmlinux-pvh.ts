// The uncompressed kernel inside a bzImage, for QEMU's PVH direct boot: QEMU loads the ELF's
// segments itself and enters the kernel at its Xen PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY,
// CONFIG_PVH), so the guest skips the bzImage's decompressor, which under TCG spends about a second
// of emulated CPU unpacking ~60 MB (zstd for Debian's kernels). Extracted by hand from the boot
// protocol's setup header (payload_offset/payload_length, protocol 2.08+) with the matching
// decompressor, cached under <cache>/vmlinux-pvh/<hash of the bzImage>/, and used only when the
// ELF carries the PVH note: any other kernel boots from its bzImage, as before.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { cacheDir, publishDir } from './cache.js';
import { checkEntry, discardEntry, sealEntry } from './cache-integrity.js';

export type PayloadFormat = 'gzip' | 'zstd' | 'xz' | 'lzma' | 'lz4' | 'bzip2' | 'lzo';

export interface BzImagePayload { offset: number; length: number; format: PayloadFormat | null }

const VMLINUX = 'vmlinux';
const NO_PVH = 'no-pvh.json';

/** Where the compressed kernel sits in a bzImage, from its setup header (pure); null if not a bzImage of protocol 2.08+. */
export function bzImagePayload(image: Uint8Array): BzImagePayload | null {
  if (image.length < 0x250) return null;
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (v.getUint32(0x202, true) !== 0x53726448 /* "HdrS" */ || v.getUint16(0x206, true) < 0x208) return null;
  const setupSects = image[0x1f1] || 4;
  const offset = (setupSects + 1) * 512 + v.getUint32(0x248, true);
  const length = v.getUint32(0x24c, true);
  if (length === 0 || offset + length > image.length) return null;
  return { offset, length, format: payloadFormat(image.subarray(offset, offset + 6)) };
}

/** The compressor, from the payload's magic (arch/x86/boot/compressed/Makefile's choices). */
export function payloadFormat(m: Uint8Array): PayloadFormat | null {
  const is = (...b: number[]) => b.every((x, i) => m[i] === x);
  if (is(0x1f, 0x8b)) return 'gzip';
  if (is(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (is(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (is(0x5d, 0x00, 0x00)) return 'lzma';
  if (is(0x02, 0x21, 0x4c, 0x18)) return 'lz4';
  if (is(0x42, 0x5a, 0x68)) return 'bzip2';
  if (is(0x89, 0x4c, 0x5a, 0x4f)) return 'lzo';
  return null;
}

/** Whether an ELF64 image has a Xen note of type XEN_ELFNOTE_PHYS32_ENTRY (18), the PVH entry (pure). */
export function hasPvhNote(elf: Uint8Array): boolean {
  if (elf.length < 64 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46 || elf[4] !== 2 /* ELFCLASS64 */) return false;
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(v.getBigUint64(0x20, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || v.getUint32(ph, true) !== 4 /* PT_NOTE */) continue;
    let off = Number(v.getBigUint64(ph + 8, true));
    const end = Math.min(off + Number(v.getBigUint64(ph + 32, true)), elf.length);
    while (off + 12 <= end) {
      const namesz = v.getUint32(off, true);
      const descsz = v.getUint32(off + 4, true);
      const type = v.getUint32(off + 8, true);
      const name = Buffer.from(elf.subarray(off + 12, off + 12 + Math.max(0, namesz - 1))).toString('latin1');
      if (name === 'Xen' && type === 18) return true;
      off += 12 + align4(namesz) + align4(descsz);
    }
  }
  return false;
}

const align4 = (n: number) => (n + 3) & ~3;

async function decompress(data: Uint8Array, format: PayloadFormat): Promise<Buffer | null> {
  if (format === 'gzip') return gunzipSync(data);
  // Every other format has the decompressed size appended (the Makefile's *_with_size): not part of the stream.
  const body = data.subarray(0, data.length - 4);
  const tool: Partial<Record<PayloadFormat, string[]>> = { zstd: ['zstd', '-dc'], xz: ['xz', '-dc'], lzma: ['xz', '--format=lzma', '-dc'], bzip2: ['bzip2', '-dc'], lz4: ['lz4', '-dc'] };
  const argv = tool[format];
  if (!argv) return null;
  const r = await execa(argv[0]!, argv.slice(1), { input: Buffer.from(body), encoding: 'buffer', reject: false, maxBuffer: 1 << 30 });
  return r.exitCode === 0 ? Buffer.from(r.stdout as Uint8Array) : null;
}

/**
 * The PVH-bootable vmlinux of `bzImage` (extracted once, cached), or null with the reason when the
 * kernel cannot boot that way (no PVH note, an unknown compressor, no decompressor installed).
 */
export async function pvhVmlinux(bzImage: string, progress: (m: string) => void = () => {}): Promise<{ path: string } | { path: null; why: string }> {
  const image = await readFile(bzImage);
  const key = createHash('sha256').update(image).digest('hex').slice(0, 16);
  const dir = join(await cacheDir('vmlinux-pvh'), key);
  if (existsSync(join(dir, VMLINUX))) {
    const check = await checkEntry(dir, [VMLINUX]);
    if (check.ok === 'unsealed') await sealEntry(dir, [VMLINUX]);   // written before seals: adopt it
    if (check.ok !== false) return { path: join(dir, VMLINUX) };
    progress(`cached vmlinux ${dir} is damaged: ${check.reason}; extracting it again`);
    await discardEntry(dir);
  }
  if (existsSync(join(dir, NO_PVH))) return { path: null, why: (JSON.parse(await readFile(join(dir, NO_PVH), 'utf8')) as { why: string }).why };
  const payload = bzImagePayload(image);
  let why = '';
  let vmlinux: Buffer | null = null;
  if (!payload) why = 'not a bzImage of boot protocol 2.08 or later';
  else if (!payload.format) why = 'its compressed kernel is in a format bpf-verdict does not know';
  else {
    vmlinux = await decompress(image.subarray(payload.offset, payload.offset + payload.length), payload.format);
    if (!vmlinux) why = `its ${payload.format} payload could not be decompressed (is the ${payload.format} tool installed?)`;
    else if (!hasPvhNote(vmlinux)) why = 'the kernel has no PVH entry note (CONFIG_PVH off)';
  }
  if (why) {
    // Remembered: the answer for this bzImage never changes.
    await publishDir(dir, async (tmp) => { await writeFile(join(tmp, NO_PVH), JSON.stringify({ why }) + '\n'); }, `the PVH check of ${bzImage}`).catch(() => {});
    return { path: null, why };
  }
  progress(`extracted the uncompressed kernel from ${bzImage} for PVH boot (${(vmlinux!.length / 2 ** 20).toFixed(0)} MiB, once)`);
  await publishDir(dir, async (tmp) => {
    await writeFile(join(tmp, VMLINUX), vmlinux!);
    await sealEntry(tmp, [VMLINUX]);
  }, `the vmlinux of ${bzImage}`);
  return { path: join(dir, VMLINUX) };
}
