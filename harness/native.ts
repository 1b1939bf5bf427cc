// Locates and wraps the libbpf addon (harness/native). Works both on the host
// (repo layout: dist/harness/native.js -> ../../harness/native/build/Release) and in the
// guest image (the .node file sits next to the agent). Argument checks live here, not in C++.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADDON_FILE = 'bpf_verdict_native.node';

export interface NativeProgramInfo {
  name: string;
  section: string;
  type: string;        // libbpf's program type name, e.g. "sched_cls"
  insnCnt: number;
  autoload: boolean;
}

export interface NativeOpenOutcome {
  err: number;         // negative errno, 0 when libbpf opened the object
  libbpfLog: string;
  programs: NativeProgramInfo[];
}

export interface NativeProgramLoad extends NativeProgramInfo {
  selected: boolean;
  log: string;         // kernel verifier log for this program (empty when never sent to the kernel)
}

export interface NativeLoadOutcome {
  openErr: number;     // negative errno
  loadErr: number;     // negative errno; 0 = every selected program loaded
  libbpfLog: string;
  unknownPrograms: string[];
  programs: NativeProgramLoad[];
}

interface RawAddon {
  object__openPrograms(bytes: Uint8Array, name: string): NativeOpenOutcome;
  object__loadPrograms(bytes: Uint8Array, name: string, programs: string[], logLevel: number, logSize: number): Promise<NativeLoadOutcome>;
  libbpfVersion: string;
}

/** Typed facade over the addon, in libbpf's object__verb shape. */
export interface LibbpfAddon {
  readonly libbpfVersion: string;
  object__openPrograms(bytes: Uint8Array, name: string): NativeOpenOutcome;
  object__loadPrograms(bytes: Uint8Array, name: string, opts: { programs: string[]; logLevel: number; logSize: number }): Promise<NativeLoadOutcome>;
}

export function addonCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    join(here, ADDON_FILE),                                                // guest image
    join(here, '..', '..', 'harness', 'native', 'build', 'Release', ADDON_FILE), // repo, from dist/harness
    join(here, 'native', 'build', 'Release', ADDON_FILE),                  // repo, from harness/ (ts-node)
  ];
}

/** Path of the built addon, or null (scripts/setup.sh builds it). */
export function findAddon(): string | null {
  return addonCandidates().find((p) => existsSync(p)) ?? null;
}

export function loadAddon(path = findAddon()): LibbpfAddon {
  if (!path) {
    throw new Error(`libbpf addon ${ADDON_FILE} not found (looked in: ${addonCandidates().join(', ')}); build it with: bash scripts/setup.sh`);
  }
  const raw = createRequire(import.meta.url)(path) as RawAddon;
  return {
    libbpfVersion: raw.libbpfVersion,
    object__openPrograms(bytes, name) {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('object bytes must be a Uint8Array');
      return raw.object__openPrograms(bytes, name);
    },
    object__loadPrograms(bytes, name, opts) {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('object bytes must be a Uint8Array');
      if (!Number.isInteger(opts.logLevel) || opts.logLevel < 0 || opts.logLevel > 7) {
        throw new RangeError(`logLevel must be 0..7 (kernel BPF_LOG_LEVEL1|2|STATS bits), got ${opts.logLevel}`);
      }
      if (!Number.isInteger(opts.logSize) || opts.logSize < 0 || opts.logSize > 0x3fffffff) {
        throw new RangeError(`logSize must be 0..1 GiB (the kernel's limit is UINT_MAX >> 2), got ${opts.logSize}`);
      }
      return raw.object__loadPrograms(bytes, name, opts.programs, opts.logLevel, opts.logSize);
    },
  };
}
