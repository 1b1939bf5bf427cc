// Where cached artefacts live: $XDG_CACHE_HOME/bpf-verdict (default ~/.cache/bpf-verdict). In the
// neutral layer because both the object cache (src/build) and the VM side (kernels, images, BTF
// under vm/) keep their entries there, and neither may import the other.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'bpf-verdict');
}
