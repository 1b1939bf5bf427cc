// The options every command that boots or builds a kernel shares, defined once: the same names,
// limits and defaults for load, run, regress and btf. Defaults come from bpf-verdict.yaml (or
// DEFAULT_CONFIG without one); limits from VM_LIMITS, which the YAML reader checks too.
import { resolve } from 'node:path';
import { DEFAULT_CONFIG, VM_LIMITS, findConfig, loadConfig, type RunConfig } from '../config/index.js';
import { PROFILE_NAMES } from '../profiles/index.js';
import type { Values } from './options.js';

export const CONFIG_OPTIONS = { config: { type: 'string' } } as const;

export const KERNEL_BUILD_OPTIONS = {
  'kernel-config': { type: 'string', multiple: true },
  'make-jobs': { type: 'string', number: { min: 1, max: 1024, int: true } },
} as const;

// Guests run at once: a different resource from the kernel build's make jobs, so a different name.
export const GUEST_JOBS_OPTIONS = {
  jobs: { type: 'string', short: 'j', number: { min: 1, max: 64, int: true } },
} as const;

export const VM_OPTIONS = {
  memory: { type: 'string', number: VM_LIMITS.memoryMb },
  cpus: { type: 'string', number: VM_LIMITS.cpus },
  'boot-timeout': { type: 'string', number: VM_LIMITS.timeoutSec },
  'load-timeout': { type: 'string', number: VM_LIMITS.timeoutSec },
} as const;

/** Which libbpf and bpftool serve a kernel (vm/tools.ts parseToolsChoice reads the value). */
export const TOOLS_OPTIONS = { tools: { type: 'string' } } as const;

export const PROFILE_OPTIONS = { profile: { type: 'string', choices: [...PROFILE_NAMES] } } as const;

const D = DEFAULT_CONFIG;
const L = VM_LIMITS;

export const CONFIG_HELP = `\
  --config FILE        bpf-verdict.yaml to read (default: ./bpf-verdict.yaml when present);
                       the flags below override its values`;

export const KERNEL_BUILD_HELP = `\
  --kernel-config FILE an extra config fragment for src: kernels, merged after kernel-config/*.config
                       (repeatable)
  --make-jobs N        make -j for src: kernel builds (default: all CPUs)`;

export const GUEST_JOBS_HELP = `\
  -j, --jobs N         guests run at once: several kernels side by side (a guest each), spare
                       guests to a kernel's own queue of objects (default: the number of CPUs;
                       capped by available memory / --memory)`;

export const VM_HELP = `\
  --memory MB          guest memory, ${L.memoryMb.min}..${L.memoryMb.max} (config: memory; default ${D.memoryMb})
  --cpus N             guest vCPUs, ${L.cpus.min}..${L.cpus.max} (config: cpus; default ${D.cpus})
  --boot-timeout S     seconds for a guest to boot (config: timeouts.boot; default ${D.timeouts.bootSec})
  --load-timeout S     seconds for one object's load (config: timeouts.load; default ${D.timeouts.loadSec})`;

export const TOOLS_HELP = `\
  --tools SOURCE       libbpf and bpftool: auto (default: the kernel's own tree: src:TREE's, or
                       Debian's linux-source-X for debian:X), debian (the host's libbpf 1.1 and
                       bpftool 7.1), or a kernel tree PATH`;

export const PROFILE_HELP = `\
  --profile P          model semantics for every kernel: ${PROFILE_NAMES.join(', ')} (config: profile; default:
                       each kernel's own line, from its release; a newer kernel gets the newest line,
                       and the report says so)`;

/** The configuration the command line names (or ./bpf-verdict.yaml, or the defaults). */
export function configFrom(values: Values<typeof CONFIG_OPTIONS>): RunConfig {
  return loadConfig(findConfig(values.config));
}

/** The guest settings: flags over the configuration. */
export function vmSettings(values: Values<typeof VM_OPTIONS>, cfg: RunConfig) {
  return {
    memoryMb: values.memory ?? cfg.memoryMb,
    cpus: values.cpus ?? cfg.cpus,
    bootTimeoutSec: values['boot-timeout'] ?? cfg.timeouts.bootSec,
    loadTimeoutSec: values['load-timeout'] ?? cfg.timeouts.loadSec,
  };
}

/** How src: kernels are built: extra fragments (absolute, as the build runs elsewhere) and make jobs. */
export function kernelBuildSettings(values: Values<typeof KERNEL_BUILD_OPTIONS>): { fragments?: string[]; jobs?: number } {
  return { fragments: values['kernel-config']?.map((p) => resolve(p)), jobs: values['make-jobs'] };
}
