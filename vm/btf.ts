// A kernel's own BTF and vmlinux.h: boot it once, read /sys/kernel/btf/vmlinux through the
// agent, and let bpftool write the header. Cached per kernel id under <cache>/btf/<id>/.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { BpfVerdictError } from '../src/shared/errors.js';
import { cacheDir, publishDir } from './cache.js';
import type { KernelImage } from './kernel.js';
import { withVm, type BootOptions, type GuestVm } from './vm.js';

export interface BtfOptions extends Omit<BootOptions, 'kernel'> {
  /** Reuse a VM already booted on this kernel instead of booting one. */
  vm?: GuestVm;
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
    await writeVmlinuxHeader(join(tmp, 'vmlinux.btf'), join(tmp, 'vmlinux.h'));
  });
  return btf;
}

/** Path of a vmlinux.h generated from the kernel's own BTF (cached per kernel). */
export async function vmlinuxHeaderFor(kernel: KernelImage, opts: BtfOptions = {}): Promise<string> {
  const btf = await kernelBtfFor(kernel, opts);
  const header = join(btf, '..', 'vmlinux.h');
  if (!existsSync(header)) await writeVmlinuxHeader(btf, header);
  return header;
}

async function writeVmlinuxHeader(btf: string, out: string): Promise<void> {
  const r = await execa('bpftool', ['btf', 'dump', 'file', btf, 'format', 'c'], { reject: false, maxBuffer: 512 << 20 });
  if (r.exitCode !== 0) {
    throw new BtfError(`bpftool could not dump ${btf}: ${(r.stderr || String(r.message)).trim().split('\n').at(-1)}`, 'install bpftool (bash scripts/setup.sh)');
  }
  await writeFile(out, r.stdout + '\n');
}
