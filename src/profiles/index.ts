// The kernel lines the model states, oldest first, and how a kernel finds its line: a kernel
// gets the newest line not newer than its release; a kernel newer than every line gets the
// newest one, and the choice says so. `bpf-next` names the newest line.
import { UsageError } from '../shared/errors.js';
import { LINUX_6_1 } from './linux-6.1/index.js';
import { LINUX_6_12 } from './linux-6.12/index.js';
import { LINUX_7_3 } from './linux-7.3/index.js';
import type { Profile } from './types.js';

export type { Profile, LineName, KfuncSpec, KfuncArg, KfuncFlag, Switches } from './types.js';

/** Every line, oldest first. Adding a line: a folder linux-<line>/ and one entry here. */
export const LINES: readonly Profile[] = [LINUX_6_1, LINUX_6_12, LINUX_7_3];
export const NEWEST: Profile = LINES[LINES.length - 1]!;
/** The profile `model` uses when neither --profile nor --kernel is given. */
export const DEFAULT_PROFILE = '6.12';
/** Names accepted by --profile and the config's `profile`. */
export const PROFILE_NAMES: readonly string[] = [...LINES.map((p) => p.name), 'bpf-next'];

export function getProfile(name: string = DEFAULT_PROFILE): Profile {
  if (name === 'bpf-next') return NEWEST;
  const p = LINES.find((l) => l.name === name);
  if (!p) throw new UsageError(`unknown semantics profile '${name}'`, `use one of: ${PROFILE_NAMES.join(', ')}`);
  return p;
}

/** major.minor of a kernel release ("6.12.117+deb13-amd64" -> [6, 12]), or null. */
export function releaseLine(release: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const cmp = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];
const lineOf = (p: Profile): [number, number] => releaseLine(p.name)!;

export interface ProfileChoice {
  profile: Profile;
  /** Why this profile when it is not the kernel's own line (newer than every line, older, unknown). */
  note: string | null;
}

/** The profile a kernel with this release gets. */
export function profileForRelease(release: string | null | undefined): ProfileChoice {
  const line = release ? releaseLine(release) : null;
  if (!line) return { profile: getProfile(DEFAULT_PROFILE), note: `kernel release ${release ?? 'unknown'}: semantics of Linux ${DEFAULT_PROFILE} (the default profile)` };
  const fit = [...LINES].reverse().find((p) => cmp(lineOf(p), line) <= 0);
  if (!fit) return { profile: LINES[0]!, note: `Linux ${release} is older than every modelled line: semantics of Linux ${LINES[0]!.name}` };
  if (fit === NEWEST && cmp(line, lineOf(NEWEST)) > 0) {
    return { profile: NEWEST, note: `Linux ${release} is newer than the newest modelled line: semantics of Linux ${NEWEST.name}` };
  }
  if (cmp(line, lineOf(fit)) !== 0) return { profile: fit, note: `Linux ${release} has no line of its own: semantics of Linux ${fit.name}` };
  return { profile: fit, note: null };
}
