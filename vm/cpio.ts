// newc ("070701") cpio archives, the format the kernel unpacks into its initramfs
// (init/initramfs.c). Pure encoding: the caller streams the bytes wherever it likes.
// Layout per entry: 110-byte ASCII header, name + NUL padded to 4, data padded to 4.

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; mode?: number; size: number }   // data follows, written by the caller
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; mode?: number; major: number; minor: number };

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000;
export const TRAILER = 'TRAILER!!!';

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio field out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
}

export function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** Header + name (+ inline data for symlinks), padded; for files the caller then writes `size` bytes and dataPadding(size). */
export function encodeEntry(entry: CpioEntry, ino: number): Buffer {
  const name = entry.path.replace(/^\/+/, '');
  if (name === '' && entry.kind !== 'dir') throw new RangeError('cpio entry needs a path');
  let mode: number, size = 0, rmaj = 0, rmin = 0;
  let inline: Buffer | null = null;
  switch (entry.kind) {
    case 'dir': mode = S_IFDIR | (entry.mode ?? 0o755); break;
    case 'file': mode = S_IFREG | (entry.mode ?? 0o644); size = entry.size; break;
    case 'symlink': mode = S_IFLNK | 0o777; inline = Buffer.from(entry.target, 'utf8'); size = inline.length; break;
    case 'chardev': mode = S_IFCHR | (entry.mode ?? 0o600); rmaj = entry.major; rmin = entry.minor; break;
    default: { const never: never = entry; throw new RangeError(`unknown cpio entry ${JSON.stringify(never)}`); }
  }
  return header(name || '.', ino, mode, entry.kind === 'dir' ? 2 : 1, size, rmaj, rmin, inline);
}

export function encodeTrailer(): Buffer {
  return header(TRAILER, 0, 0, 1, 0, 0, 0, null);
}

export function dataPadding(size: number): Buffer {
  return Buffer.alloc(pad4(size));
}

function header(name: string, ino: number, mode: number, nlink: number, size: number, rmaj: number, rmin: number, inline: Buffer | null): Buffer {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  // mtime 0 and uid/gid 0: the same inputs give the same bytes (stable cache keys).
  const fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, nameBytes.length, 0];
  const head = Buffer.from('070701' + fields.map(hex8).join(''), 'ascii');
  const parts: Buffer[] = [head, nameBytes, Buffer.alloc(pad4(head.length + nameBytes.length))];
  if (inline) parts.push(inline, Buffer.alloc(pad4(inline.length)));
  return Buffer.concat(parts);
}

/** Parse an archive back into entries (tests, and a check on what we built). */
export function parseCpio(buf: Buffer): { path: string; mode: number; size: number; data: Buffer; rdev: [number, number] }[] {
  const out: { path: string; mode: number; size: number; data: Buffer; rdev: [number, number] }[] = [];
  let off = 0;
  for (;;) {
    if (buf.toString('ascii', off, off + 6) !== '070701') throw new Error(`bad cpio magic at offset ${off}`);
    const field = (i: number) => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const mode = field(1), size = field(6), namesize = field(11);
    const nameStart = off + 110;
    const path = buf.toString('utf8', nameStart, nameStart + namesize - 1);
    const dataStart = nameStart + namesize + pad4(110 + namesize);
    if (path === TRAILER) return out;
    out.push({ path, mode, size, data: buf.subarray(dataStart, dataStart + size), rdev: [field(9), field(10)] });
    off = dataStart + size + pad4(size);
  }
}
