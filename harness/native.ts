// Locates and wraps the libbpf addon (harness/native). Works both on the host
// (repo layout: dist/harness/native.js -> ../../harness/native/build/Release) and in the
// guest image (the .node file sits next to the agent). Argument checks live here, not in C++.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADDON_FILE = 'bpf_verdict_native.node';
/** Written next to an addon built against a kernel tree's libbpf (vm/addon-build.ts): where its libbpf came from. */
export const ADDON_MANIFEST = 'bpf_verdict_native.json';

export interface AddonManifest {
  libbpfVersion: string;   // "1.8.0", from the tree's libbpf.map
  origin: string;          // "tools/lib/bpf of linux-source-7.3 7.3.4-1~bpo13+1"
  apis: string[];          // optional libbpf APIs found in the linked libbpf.a
}

/** An addon without a manifest is setup.sh's build, linked against the host's shared libbpf. */
export const HOST_LIBBPF_ORIGIN = "the host's shared libbpf.so, Debian 12's libbpf1";

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

export interface NativeProgramVerify extends NativeProgramInfo {
  selected: boolean;
  err: number;         // negative errno of the program's last load; 0 = accepted
  logLevel: number;    // the log level of the load whose log this is
  log: string;
  /** The relocated program calls a global function (the verifier then notes it at level 1); null: no func_info to tell. */
  globalSubprogs: boolean | null;
}

export interface NativeVerifyOutcome {
  available: boolean;  // false: the addon's libbpf lacks bpf_object__prepare / bpf_program__clone
  openErr: number;
  prepareErr: number;  // negative errno from bpf_object__prepare: nothing was verified
  libbpfLog: string;
  unknownPrograms: string[];
  programs: NativeProgramVerify[];
}

interface RawAddon {
  object__verifyPrograms(bytes: Uint8Array, name: string, programs: string[], quickLogLevel: number, logLevel: number, logSize: number, allPrograms: boolean): Promise<NativeVerifyOutcome>;
  features: string[];
  object__openPrograms(bytes: Uint8Array, name: string): NativeOpenOutcome;
  object__loadPrograms(bytes: Uint8Array, name: string, programs: string[], logLevel: number, logSize: number): Promise<NativeLoadOutcome>;
  libbpfVersion: string;
}

/** Typed facade over the addon, in libbpf's object__verb shape. */
export interface LibbpfAddon {
  /** libbpf_version_string() of the libbpf linked in: "v1.8". */
  readonly libbpfVersion: string;
  /** Which libbpf this is, for results: "libbpf 1.8.0 (tools/lib/bpf of linux-source-7.3 7.3.4-1~bpo13+1)". */
  readonly libbpf: string;
  /** What the addon was built with: libbpf APIs newer than 1.1 (bpf_object__prepare, ...), verify_programs, prog_load_capture. */
  readonly features: readonly string[];
  object__openPrograms(bytes: Uint8Array, name: string): NativeOpenOutcome;
  object__loadPrograms(bytes: Uint8Array, name: string, opts: { programs: string[]; logLevel: number; logSize: number }): Promise<NativeLoadOutcome>;
  /** Prepare once, verify each program alone at quickLogLevel, again at logLevel when refused (libbpf >= 1.8, or a static build that keeps each request of a load). */
  /** `programs` empty: every program with allPrograms, else libbpf's autoload set. The outcome lists every program of the object. */
  object__verifyPrograms?(bytes: Uint8Array, name: string, opts: { programs: string[]; allPrograms?: boolean; quickLogLevel: number; logLevel: number; logSize: number }): Promise<NativeVerifyOutcome>;
}

export function addonCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    join(here, ADDON_FILE),                                                // guest image
    join(here, '..', '..', 'harness', 'native', 'build', 'Release', ADDON_FILE), // repo, from dist/harness
    join(here, 'native', 'build', 'Release', ADDON_FILE),                  // repo, from harness/ (ts-node)
  ];
}

export function readManifest(addonPath: string): AddonManifest | null {
  try {
    return JSON.parse(readFileSync(addonPath.replace(/\.node$/, '.json'), 'utf8')) as AddonManifest;
  } catch {
    return null;
  }
}

/** "libbpf 1.8.0 (tools/lib/bpf of linux-source-7.3 ...)" or "libbpf 1.1 (the host's shared libbpf ...)". */
export function libbpfLabel(linked: string, manifest: AddonManifest | null): string {
  return `libbpf ${manifest?.libbpfVersion ?? linked.replace(/^v/, '')} (${manifest?.origin ?? HOST_LIBBPF_ORIGIN})`;
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
  const manifest = readManifest(path);
  return {
    libbpfVersion: raw.libbpfVersion,
    libbpf: libbpfLabel(raw.libbpfVersion, manifest),
    features: raw.features ?? [],
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
    // Prepare once, verify each program: libbpf 1.8's APIs, or each request of a load kept (prog_load_capture.h).
    ...((raw.features ?? []).includes('verify_programs') ? {
      object__verifyPrograms(bytes: Uint8Array, name: string, opts: { programs: string[]; allPrograms?: boolean; quickLogLevel: number; logLevel: number; logSize: number }) {
        if (!(bytes instanceof Uint8Array)) throw new TypeError('object bytes must be a Uint8Array');
        for (const l of [opts.quickLogLevel, opts.logLevel]) {
          if (!Number.isInteger(l) || l < 0 || l > 7) throw new RangeError(`log levels must be 0..7 (kernel BPF_LOG_LEVEL1|2|STATS bits), got ${l}`);
        }
        if (!Number.isInteger(opts.logSize) || opts.logSize < 0 || opts.logSize > 0x3fffffff) {
          throw new RangeError(`logSize must be 0..1 GiB (the kernel's limit is UINT_MAX >> 2), got ${opts.logSize}`);
        }
        return raw.object__verifyPrograms(bytes, name, opts.programs, opts.quickLogLevel, opts.logLevel, opts.logSize, opts.allPrograms ?? false);
      },
    } : {}),
  };
}
