// A kernel's own BTF and vmlinux.h: boot it once, read /sys/kernel/btf/vmlinux through the
// agent, and let bpftool write the header. Cached per kernel id under <cache>/btf/<id>/ (and
// <cache>/btf/<id>/<bpftool id>/ for a header from a kernel tree's bpftool).
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BpfVerdictError } from '../src/errors.js';
import { cacheDir, publishDir } from '../vm/cache.js';
import type { KernelImage } from '../vm/kernel.js';
import type { Bpftool } from '../vm/tools.js';
import { withVm, type BootOptions, type GuestVm } from '../vm/vm.js';

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

/** Path of the kernel's raw BTF (cached). */
export async function kernelBtfFor(kernel: KernelImage, opts: BtfOptions = {}): Promise<string> {
  const dir = await btfDirFor(kernel);
  const btf = join(dir, 'vmlinux.btf');
  if (existsSync(btf)) return btf;
  await publishDir(dir, async (tmp) => {
    const bytes = opts.vm ? await opts.vm.readKernelBtf() : await withVm(kernel, opts, (vm) => vm.readKernelBtf());
    await writeFile(join(tmp, 'vmlinux.btf'), bytes);
  });
  return btf;
}

/**
 * Path of a vmlinux.h generated from the kernel's own BTF, cached per kernel and bpftool: the
 * kernel line's bpftool (kernel.tools, vm/tools.ts) writes what that line's programs expect
 * (7.3's bpftool 7.8 adds kfunc prototypes); the host's bpftool's header sits in the kernel's dir.
 */
export async function vmlinuxHeaderFor(kernel: KernelImage, opts: BtfOptions = {}): Promise<string> {
  const btf = await kernelBtfFor(kernel, opts);
  const bpftool = opts.bpftool ?? kernel.tools?.bpftool ?? null;
  const dir = bpftool && bpftool.id !== 'host' ? join(dirname(btf), bpftool.id) : dirname(btf);
  const header = join(dir, 'vmlinux.h');
  if (existsSync(header)) return header;
  await mkdir(dir, { recursive: true });
  const tmp = `${header}.tmp-${process.pid}`;
  await writeVmlinuxHeader(bpftool?.path ?? 'bpftool', btf, tmp);
  await rename(tmp, header);
  return header;
}

async function writeVmlinuxHeader(bpftool: string, btf: string, out: string): Promise<void> {
  const r = await execa(bpftool, ['btf', 'dump', 'file', btf, 'format', 'c'], { reject: false, maxBuffer: 512 << 20 });
  if (r.exitCode !== 0) {
    throw new BtfError(`${bpftool} could not dump ${btf}: ${(r.stderr || String(r.message)).trim().split('\n').at(-1)}`, 'install bpftool (bash scripts/setup.sh)');
  }
  await writeFile(out, r.stdout + '\n');
}
