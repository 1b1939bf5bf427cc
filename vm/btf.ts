// A kernel's own BTF and vmlinux.h: boot it once, read /sys/kernel/btf/vmlinux through the
// agent, and let bpftool write the header. Cached per kernel id under <cache>/btf/<id>/ (with the
// host bpftool's header beside it) and <cache>/btf/<id>/<bpftool id>/ for a header written by a
// kernel tree's own bpftool. Every entry is sealed (vm/cache-integrity.ts) and rewritten when damaged.
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BpfVerdictError } from '../src/shared/errors.js';
import { cacheDir, publishDir } from './cache.js';
import { checkEntry, discardEntry, sealEntry } from './cache-integrity.js';
import type { KernelImage } from './kernel.js';
import type { Bpftool } from './tools.js';
import { withVm, type BootOptions, type GuestVm } from './vm.js';

export interface BtfOptions extends Omit<BootOptions, 'kernel'> {
  /** Reuse a VM already booted on this kernel instead of booting one. */
  vm?: GuestVm;
  /** The bpftool that writes vmlinux.h (default: kernel.tools's, else the host's). */
  bpftool?: Bpftool;
}

export class BtfError extends BpfVerdictError {
  override name = 'BtfError';
}

export async function btfDirFor(kernel: KernelImage): Promise<string> {
  return join(await cacheDir('btf'), kernel.id.replace(/[^A-Za-z0-9._+~-]/g, '_'));
}

const ENTRY = ['vmlinux.btf', 'vmlinux.h'];
const HEADER_ENTRY = ['vmlinux.h'];

/** A sealed entry that is whole (adopting one written before seals); false after discarding a damaged one. */
async function usable(what: string, dir: string, files: string[], onProgress?: (m: string) => void): Promise<boolean> {
  const check = await checkEntry(dir, files);
  if (check.ok === 'unsealed') await sealEntry(dir, files);
  if (check.ok !== false) return true;
  onProgress?.(`cached ${what} ${dir} is damaged: ${check.reason}; ${what === 'BTF' ? 'reading it from the kernel again' : 'writing it again'}`);
  await discardEntry(dir);
  return false;
}

/** Path of the kernel's raw BTF (cached, with the host bpftool's vmlinux.h next to it). */
export async function kernelBtfFor(kernel: KernelImage, opts: BtfOptions = {}): Promise<string> {
  const dir = await btfDirFor(kernel);
  const btf = join(dir, 'vmlinux.btf');
  if (existsSync(btf)) {
    if (!existsSync(join(dir, 'vmlinux.h'))) await publishHeader('bpftool', dir);   // entries from before the header was kept
    if (await usable('BTF', dir, ENTRY, opts.onProgress)) return btf;
  }
  await publishDir(dir, async (tmp) => {
    const bytes = opts.vm ? await opts.vm.readKernelBtf() : await withVm(kernel, opts, (vm) => vm.readKernelBtf());
    await writeFile(join(tmp, 'vmlinux.btf'), bytes);
    await writeVmlinuxHeader('bpftool', join(tmp, 'vmlinux.btf'), join(tmp, 'vmlinux.h'));
    await sealEntry(tmp, ENTRY);
  }, `the BTF of ${kernel.id}`);
  return btf;
}

/**
 * Path of a vmlinux.h generated from the kernel's own BTF, cached per kernel and bpftool: the
 * kernel line's bpftool (kernel.tools, vm/tools.ts) writes what that line's programs expect
 * (7.3's bpftool 7.8 adds kfunc prototypes); the host bpftool's header sits in the kernel's dir.
 */
export async function vmlinuxHeaderFor(kernel: KernelImage, opts: BtfOptions = {}): Promise<string> {
  const btf = await kernelBtfFor(kernel, opts);
  const bpftool = opts.bpftool ?? kernel.tools?.bpftool ?? null;
  if (!bpftool || bpftool.id === 'host') return join(dirname(btf), 'vmlinux.h');
  const dir = join(dirname(btf), bpftool.id);
  const header = join(dir, 'vmlinux.h');
  if (existsSync(header) && await usable('vmlinux.h', dir, HEADER_ENTRY, opts.onProgress)) return header;
  await publishDir(dir, async (tmp) => {
    await writeVmlinuxHeader(bpftool.path, btf, join(tmp, 'vmlinux.h'));
    await sealEntry(tmp, HEADER_ENTRY);
  }, `the vmlinux.h of ${kernel.id} by bpftool ${bpftool.version}`);
  return header;
}

/** Write then rename: a parallel run reads no header or the whole header. */
async function publishHeader(bpftool: string, dir: string): Promise<void> {
  const tmp = join(dir, `vmlinux.h.${process.pid}.tmp`);
  await writeVmlinuxHeader(bpftool, join(dir, 'vmlinux.btf'), tmp);
  await rename(tmp, join(dir, 'vmlinux.h'));
}

async function writeVmlinuxHeader(bpftool: string, btf: string, out: string): Promise<void> {
  const r = await execa(bpftool, ['btf', 'dump', 'file', btf, 'format', 'c'], { reject: false, maxBuffer: 512 << 20 });
  if (r.exitCode !== 0) {
    throw new BtfError(`${bpftool} could not dump ${btf}: ${(r.stderr || String(r.message)).trim().split('\n').at(-1)}`, 'install bpftool (bash scripts/setup.sh)');
  }
  await writeFile(out, r.stdout + '\n');
}
