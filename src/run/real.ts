// The real edges of a run: kernels and guests from vm/, vmlinux.h from vm/btf.ts, the object
// reader, the model and the kernel-log classifier. Thin: everything here only forwards.
import { classify } from '../classify/index.js';
import { readObject } from '../object/read.js';
import type { KernelImage } from '../../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../vm/tools.js';
import { GuestVm } from '../../vm/vm.js';
import { VmPanicError, VmTimeoutError } from '../../vm/errors.js';
import { kernelBtfFor, vmlinuxHeaderFor } from '../../vm/btf.js';
import { readFile } from 'node:fs/promises';
import { parseBtf } from '../btf/parse.js';
import { modelObject } from '../model/index.js';
import type { AnalysisBackend, KernelBackend, KernelSession } from './backend.js';

export const realKernelBackend: KernelBackend = {
  // With the kernel line's own libbpf and bpftool: the guest image and vmlinux.h both follow kernel.tools.
  resolve: (spec, onProgress, opts) => resolveKernelWithTools(spec, parseToolsChoice(opts?.tools), onProgress, opts?.kernelBuild),
  // Cached per kernel; the first time, this boots the kernel once to read its BTF.
  vmlinuxHeader: (kernel, onProgress, signal) => vmlinuxHeaderFor(kernel as KernelImage, { onProgress, signal }),
  async kernelBtf(kernel, onProgress, signal) {
    const path = await kernelBtfFor(kernel as KernelImage, { onProgress, signal });
    return parseBtf(new Uint8Array(await readFile(path)), path);
  },
  async boot(kernel, o): Promise<KernelSession> {
    const vm = await GuestVm.boot({ kernel: kernel as KernelImage, memoryMb: o.memoryMb, cpus: o.cpus, bootTimeoutMs: o.bootTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs, consoleLog: o.consoleLog, onProgress: o.onProgress, signal: o.signal,
      // GuestPool decides about boots again (src/run/session.ts), and counts each one.
      bootRetries: 0 });
    return { release: vm.release, load: (bytes, opts) => vm.loadObject(bytes, opts), shutdown: () => vm.shutdown(), kill: () => vm.kill() };
  },
  vmFailure(err) {
    if (err instanceof VmPanicError) return { kind: 'crash', error: err.message, consoleTail: err.consoleTail };
    if (err instanceof VmTimeoutError) return { kind: 'timeout', error: err.message, consoleTail: err.consoleTail };
    return null;
  },
};

export const realAnalysisBackend: AnalysisBackend = {
  readObject,
  model: (obj, opts) => modelObject(obj, { profile: opts.profile, trace: opts.trace, targetBtf: opts.targetBtf }),
  classify: (r, profile) => classify(r, profile),
};
