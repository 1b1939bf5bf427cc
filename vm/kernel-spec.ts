// Kernel spec strings -> KernelSpec. Pure.
//   debian:6.12       newest 6.12 linux-image Debian offers (also debian:6.1, debian:7.3, exact debian:6.12.117)
//   debian:newest     the newest kernel Debian carries in any suite (bookworm's, trixie, trixie-backports, sid)
//   file:PATH         a bzImage the user built (e.g. bpf-next)
//   src:TREE[+A.patch+B.patch]   a kernel tree built from source (vm/kernel-build.ts)
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../src/shared/errors.js';

export type KernelSpec =
  | { kind: 'debian'; version: string }
  | { kind: 'file'; path: string }
  | { kind: 'src'; tree: string; patches: string[] };

export const DEFAULT_KERNEL = 'debian:6.12';

const HINT = 'kernel specs: debian:6.12 (default), debian:7.3, debian:7.3.4, debian:newest, file:/path/to/bzImage, src:/path/to/linux[+fix.patch...] (bpf-verdict kernel list --available: what Debian offers)';

function expandPath(p: string): string {
  return resolve(p.startsWith('~/') ? homedir() + p.slice(1) : p === '~' ? homedir() : p);
}

export function parseKernelSpec(spec: string): KernelSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'debian':
      if (!/^\d+\.\d+(\.\d+)?$/.test(rest) && rest !== 'newest') {
        throw new UsageError(`bad kernel spec '${spec}': debian: wants a version like 7.3 or 7.3.4, or 'newest'`, HINT);
      }
      return { kind: 'debian', version: rest };
    case 'file':
      if (rest === '') throw new UsageError(`bad kernel spec '${spec}': file: wants a path to a bzImage`, HINT);
      return { kind: 'file', path: expandPath(rest) };
    case 'src': {
      const [tree, ...patches] = rest.split('+');
      if (!tree) throw new UsageError(`bad kernel spec '${spec}': src: wants a kernel source tree`, HINT);
      if (patches.some((p) => p === '')) throw new UsageError(`bad kernel spec '${spec}': empty patch name after '+'`, HINT);
      return { kind: 'src', tree: expandPath(tree), patches: patches.map(expandPath) };
    }
    default:
      throw new UsageError(`unknown kernel spec '${spec}'`, HINT);
  }
}
