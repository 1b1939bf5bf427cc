// Finding the compressed kernel in a bzImage and the PVH entry note in the ELF inside it. The
// images here are built byte by byte to the boot protocol (Documentation/arch/x86/boot.rst) and
// the ELF64 note layout. (Debian's 6.12.117 bzImage, zstd, with the note: every e2e boot takes this path.)
import t from 'tap';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bzImagePayload, hasPvhNote, payloadFormat, pvhVmlinux } from '../../vm/vmlinux-pvh.js';

/** A minimal ELF64 with one PT_NOTE segment holding the given (name, type) notes. */
function elfWithNotes(notes: [string, number][]): Buffer {
  const body = Buffer.concat(notes.map(([name, type]) => {
    const n = Buffer.from(`${name}\0`);
    const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
    const h = Buffer.alloc(12);
    h.writeUInt32LE(n.length, 0);
    h.writeUInt32LE(8, 4);
    h.writeUInt32LE(type, 8);
    return Buffer.concat([h, pad(n), Buffer.alloc(8)]);
  }));
  const ehdr = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(ehdr);
  ehdr.writeBigUInt64LE(64n, 0x20);       // e_phoff
  ehdr.writeUInt16LE(56, 0x36);           // e_phentsize
  ehdr.writeUInt16LE(1, 0x38);            // e_phnum
  const phdr = Buffer.alloc(56);
  phdr.writeUInt32LE(4, 0);               // PT_NOTE
  phdr.writeBigUInt64LE(120n, 8);         // p_offset
  phdr.writeBigUInt64LE(BigInt(body.length), 32); // p_filesz
  return Buffer.concat([ehdr, phdr, body]);
}

/** A bzImage-shaped buffer: setup header of protocol 2.15, `setupSects` sectors, payload after the given gap. */
function bzImage(payload: Buffer, setupSects = 3, gap = 0x40, version = 0x20f): Buffer {
  const pm = ((setupSects || 4) + 1) * 512;   // setup_sects 0 means 4 (boot.rst)
  const image = Buffer.alloc(pm + gap + payload.length + 16);
  image[0x1f1] = setupSects;
  image.writeUInt32LE(0x53726448, 0x202);
  image.writeUInt16LE(version, 0x206);
  image.writeUInt32LE(gap, 0x248);
  image.writeUInt32LE(payload.length, 0x24c);
  payload.copy(image, pm + gap);
  return image;
}

t.test('the payload is where the setup header says, its compressor from its magic', async (t) => {
  const gz = gzipSync(Buffer.from('kernel'));
  const p = bzImagePayload(bzImage(gz))!;
  t.same(p, { offset: 4 * 512 + 0x40, length: gz.length, format: 'gzip' });
  t.equal(bzImagePayload(bzImage(gz, 0))!.offset, 5 * 512 + 0x40, 'setup_sects 0 means 4');
  t.equal(payloadFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  t.equal(payloadFormat(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  t.equal(payloadFormat(Buffer.from([0, 0, 0, 0, 0, 0])), null);
});

t.test('not a bzImage, or too old to say where its payload is: null', async (t) => {
  t.equal(bzImagePayload(Buffer.alloc(100)), null);
  t.equal(bzImagePayload(elfWithNotes([])), null, 'an ELF is not a bzImage');
  t.equal(bzImagePayload(bzImage(Buffer.from([1, 2]), 3, 0x40, 0x207)), null, 'protocol 2.07 has no payload_offset');
  const cut = bzImage(gzipSync(Buffer.from('k')));
  t.equal(bzImagePayload(cut.subarray(0, cut.length - 40)), null, 'a payload past the end of the file');
});

t.test('the PVH entry is the Xen note of type XEN_ELFNOTE_PHYS32_ENTRY (18)', async (t) => {
  t.ok(hasPvhNote(elfWithNotes([['Xen', 6], ['Xen', 18]])));
  t.notOk(hasPvhNote(elfWithNotes([['Xen', 6], ['GNU', 18]])), 'type 18 of another owner is not it');
  t.notOk(hasPvhNote(elfWithNotes([['Linux', 1]])), 'a kernel built without CONFIG_PVH');
  t.notOk(hasPvhNote(Buffer.from('not an elf at all, just text')));
});

t.test('extracted once into the cache, sealed; a damaged copy is extracted again; no note: the bzImage, remembered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pvh-test-'));
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  t.teardown(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const elf = elfWithNotes([['Xen', 18]]);
  const withNote = join(dir, 'bzImage');
  writeFileSync(withNote, bzImage(gzipSync(elf)));
  const said: string[] = [];
  const first = await pvhVmlinux(withNote, (m) => said.push(m));
  t.ok(first.path, 'a vmlinux path');
  t.same(readFileSync(first.path!), elf, 'the payload, decompressed');
  t.match(said.join('\n'), /extracted the uncompressed kernel/);
  t.same(await pvhVmlinux(withNote, (m) => said.push(`again: ${m}`)), first);
  t.notOk(said.some((m) => m.startsWith('again')), 'cached: nothing extracted the second time');
  truncateSync(first.path!, 10);
  const repaired = await pvhVmlinux(withNote, (m) => said.push(m));
  t.match(said.join('\n'), /is damaged: .*extracting it again/);
  t.same(readFileSync(repaired.path!), elf);

  const noNote = join(dir, 'bzImage-no-pvh');
  writeFileSync(noNote, bzImage(gzipSync(elfWithNotes([['Xen', 6]]))));
  t.same(await pvhVmlinux(noNote), { path: null, why: 'the kernel has no PVH entry note (CONFIG_PVH off)' });
  t.same(await pvhVmlinux(noNote), { path: null, why: 'the kernel has no PVH entry note (CONFIG_PVH off)' }, 'remembered');
  const notBz = join(dir, 'elf');
  writeFileSync(notBz, elf);
  t.match(await pvhVmlinux(notBz), { path: null, why: /not a bzImage/ });
});
