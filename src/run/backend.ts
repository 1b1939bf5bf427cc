// The runner's two edges, as interfaces: the kernel side (resolve, vmlinux.h, boot, load) and the
// analysis side (read the object, the model, the log classifier). src/run/real.ts wires the real
// ones (vm/, harness/, src/object, src/model, src/classify); unit tests pass recorded fakes.
import type { KernelClass, ModelSide } from '../compare/types.js';
import type { BpfObject } from '../object/types.js';
import type { Btf } from '../btf/types.js';
import type { KernelResult } from '../shared/verdict.js';
import type { KernelBuildOptions } from './types.js';
import type { Profile } from '../profiles/index.js';

export interface KernelHandle {
  spec: string; id: string; version?: string;
  /** The libbpf and bpftool this kernel is served with (vm/tools.ts); absent: the host's. */
  tools?: { libbpf: string; note?: string; includeDir?: string };
}

export interface KernelSession {
  readonly release: string;
  load(bytes: Uint8Array, opts: { object: string; programs?: string[]; logLevel?: number }): Promise<KernelResult[]>;
  shutdown(): Promise<void>;
  /** Stop the guest now, whatever it is doing (an interrupted run); shutdown() when absent. */
  kill?(): Promise<void>;
}

export interface BootOptions {
  memoryMb: number; cpus: number; bootTimeoutMs: number; requestTimeoutMs: number;
  consoleLog?: string; onProgress?: (msg: string) => void;
  /** The run's interruption: a boot in progress is abandoned at once. */
  signal?: AbortSignal;
}

/** A failure that took the guest down (its VM is unusable afterwards). */
export interface VmFailure { kind: 'crash' | 'timeout'; error: string; consoleTail: string }

export interface KernelBackend {
  resolve(spec: string, onProgress?: (msg: string) => void, opts?: { kernelBuild?: KernelBuildOptions; tools?: string }): Promise<KernelHandle>;
  /** `signal`: an interrupted run abandons the boot that reads the kernel's BTF. */
  vmlinuxHeader(kernel: KernelHandle, onProgress?: (msg: string) => void, signal?: AbortSignal): Promise<string>;
  /** The kernel's own BTF, parsed: libbpf relocates CO-RE accesses against it, so the model needs it too. */
  kernelBtf(kernel: KernelHandle, onProgress?: (msg: string) => void, signal?: AbortSignal): Promise<Btf | null>;
  boot(kernel: KernelHandle, opts: BootOptions): Promise<KernelSession>;
  /** Classify an error thrown by `load`: a panic/oops or a timeout, or null for anything else. */
  vmFailure(err: unknown): VmFailure | null;
}

export interface AnalysisBackend {
  /** Throws InputError for a malformed object. */
  readObject(bytes: Uint8Array, file: string): BpfObject;
  model(obj: BpfObject, opts: { profile: Profile; trace: boolean; targetBtf: Btf | null }): ModelSide[];
  /** The kernel's answer in the model's rule vocabulary, read with its line's formats (src/classify). */
  classify(result: KernelResult, profile: Profile): KernelClass;
}
