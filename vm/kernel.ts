// Kernel images: a spec string -> a bootable bzImage on disk (downloaded, given, or built).
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { KernelError } from './errors.js';
import { parseKernelSpec, type KernelSpec } from './kernel-spec.js';
import { resolveDebianKernel } from './debian-kernel.js';
import type { KernelTools } from './tools.js';

export { parseKernelSpec, DEFAULT_KERNEL, type KernelSpec } from './kernel-spec.js';

export interface KernelImage {
  spec: string;
  bzImage: string;
  id: string;           // cache key, e.g. debian-6.12.117
  version?: string;
  /** Modules the guest must insmod (in order) for the agent channel: virtio_console & co when not built in. */
  modules?: string[];
  /** The libbpf (addon) and bpftool of this kernel's line (vm/tools.ts); unset: the host's. */
  tools?: KernelTools;
}

export interface ResolveOptions {
  onProgress?: (msg: string) => void;
  /** For src: specs: extra config fragments (after kernel-config/*.config) and make jobs. */
  fragments?: string[];
  jobs?: number;
}

export async function resolveKernel(spec: string, opts: ResolveOptions = {}): Promise<KernelImage> {
  const parsed = parseKernelSpec(spec);
  switch (parsed.kind) {
    case 'debian':
      return resolveDebianKernel(spec, parsed.version, opts.onProgress);
    case 'file':
      return fileKernel(spec, parsed.path);
    case 'src': {
      // Loaded on demand: only src: specs need the builder (and its toolchain probes).
      const { buildSourceKernel } = await import('./kernel-build.js');
      return buildSourceKernel(parsed, opts);
    }
    default: {
      const never: never = parsed;
      throw new KernelError(spec, `unhandled kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The x86 boot protocol header: "HdrS" at 0x202, and at 0x20e a pointer (minus 0x200)
 * to the kernel version string. Returns the version's first word, or null if not a bzImage.
 */
export function bzImageVersion(head: Uint8Array): string | null | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 0x210 || b.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const ptr = b.readUInt16LE(0x20e) + 0x200;
  if (ptr >= b.length) return undefined;
  const end = b.indexOf(0, ptr);
  const text = b.toString('latin1', ptr, end < 0 ? Math.min(b.length, ptr + 256) : end);
  return text.split(' ')[0] || undefined;
}

const FILE_HINT = 'give the path of a bzImage, e.g. file:~/linux/arch/x86/boot/bzImage';

/** A file: spec's bzImage version (null: not a bzImage; undefined: a bzImage naming none). */
async function fileVersion(spec: string, path: string): Promise<string | null | undefined> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KernelError(spec, code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${code ?? (err as Error).message}`, FILE_HINT, { cause: err });
  }
  // A directory (a kernel tree, its build directory) opens fine and fails only on read: say what to give instead.
  if (st.isDirectory()) {
    throw new KernelError(spec, `${path} is a directory, not a bzImage`,
      `file: wants the image itself, e.g. file:${join(path, 'arch/x86/boot/bzImage')}; to build a tree, use src:${path}`);
  }
  if (!st.isFile()) throw new KernelError(spec, `${path} is not a regular file`, FILE_HINT);
  const fh = await open(path, 'r');
  const head = Buffer.alloc(0x8000);
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  return bzImageVersion(head);
}

/**
 * The release a kernel spec names, read without downloading or building anything: debian:X's
 * version, a bzImage's boot header, a tree's top Makefile. null when it says none.
 */
export async function specRelease(spec: string): Promise<string | null> {
  const parsed = parseKernelSpec(spec);
  switch (parsed.kind) {
    case 'debian': return parsed.version;
    case 'file': return (await fileVersion(spec, parsed.path)) ?? null;
    case 'src': {
      let mk: string;
      try {
        mk = await readFile(join(parsed.tree, 'Makefile'), 'utf8');
      } catch {
        throw new KernelError(spec, `${parsed.tree} is not a kernel source tree (no Makefile)`, 'give src:PATH a Linux checkout');
      }
      const v = (k: string) => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(mk)?.[1] ?? '';
      return v('VERSION') ? `${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL') || '0'}` : null;
    }
  }
}

async function fileKernel(spec: string, path: string): Promise<KernelImage> {
  const version = await fileVersion(spec, path);
  if (version === null) {
    throw new KernelError(spec, `${path} is not a bzImage (no "HdrS" boot header)`,
      'QEMU boots arch/x86/boot/bzImage, not vmlinux; build it with: make bzImage');
  }
  const hash = createHash('sha256').update(await readFile(path)).digest('hex').slice(0, 12);
  return { spec, bzImage: path, id: `file-${basename(path)}-${hash}`, version: version ?? undefined };
}
