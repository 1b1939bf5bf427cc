// The real edges of a run: kernels and guests from vm/, vmlinux.h from harness/btf.ts, the object
// reader, the model and the kernel-log classifier. Thin: everything here only forwards.
import { classify } from '../classify/index.js';
import { readObject } from '../object/read.js';
import type { KernelImage } from '../../vm/kernel.js';
import { resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';
import { VmPanicError, VmTimeoutError } from '../../vm/errors.js';
import type { ModelSide } from '../compare/types.js';
import type { BpfObject } from '../object/types.js';
import type { AnalysisBackend, KernelBackend, KernelSession } from './backend.js';

interface ModelModule { modelObject(obj: BpfObject, opts?: { profile?: string; program?: string; trace?: boolean }): ModelSide[] }
interface BtfModule { vmlinuxHeaderFor(kernel: KernelImage, opts?: { onProgress?: (m: string) => void }): Promise<string> }

export const realKernelBackend: KernelBackend = {
  resolve: (spec, onProgress) => resolveKernel(spec, { onProgress }),
  async vmlinuxHeader(kernel, onProgress) {
    const btfPath = '../../harness/btf.js';
    const mod = (await import(btfPath)) as BtfModule;
    return mod.vmlinuxHeaderFor(kernel as KernelImage, { onProgress });
  },
  async boot(kernel, o): Promise<KernelSession> {
    const vm = await GuestVm.boot({ kernel: kernel as KernelImage, memoryMb: o.memoryMb, cpus: o.cpus, bootTimeoutMs: o.bootTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs, consoleLog: o.consoleLog, onProgress: o.onProgress });
    return { release: vm.release, load: (bytes, opts) => vm.loadObject(bytes, opts), shutdown: () => vm.shutdown() };
  },
  vmFailure(err) {
    if (err instanceof VmPanicError) return { kind: 'crash', error: err.message, consoleTail: err.consoleTail };
    if (err instanceof VmTimeoutError) return { kind: 'timeout', error: err.message, consoleTail: err.consoleTail };
    return null;
  },
};

let model: ModelModule | null = null;
/** The model is loaded once, up front (analysis is synchronous per object). */
export async function realAnalysisBackend(): Promise<AnalysisBackend> {
  const modelPath = '../model/index.js';
  model ??= (await import(modelPath)) as ModelModule;
  const m = model;
  return {
    readObject,
    model: (obj, opts) => m.modelObject(obj, { profile: opts.profile, trace: opts.trace }),
    classify: (r) => classify(r),
  };
}
