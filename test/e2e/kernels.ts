// The kernels of the default run, from the repository's bpf-verdict.yaml: the one place that names
// the 7.3 kernel (Debian's 7.3.4 image as a file: spec until `debian:7.3` resolves it by itself).
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
export const DEFAULT_KERNELS = loadConfig(join(root, 'bpf-verdict.yaml')).kernels;

function pick(line: RegExp, what: string): string {
  const hits = DEFAULT_KERNELS.filter((k) => line.test(k));
  if (hits.length !== 1) throw new Error(`bpf-verdict.yaml should name one ${what} kernel; its kernels are ${DEFAULT_KERNELS.join(', ')}`);
  return hits[0]!;
}

export const KERNEL_612 = pick(/^debian:6\.12\b/, '6.12');
/** debian:7.3, or a file:/src: spec whose path names 7.3 (…/7.3.4+deb13-amd64/vmlinuz). */
export const KERNEL_73 = pick(/(^debian:7\.3\b|7\.3\.\d)/, '7.3');
