// Kernel lines for per-kernel expectations: `__kernel("RANGE")` names the kernels the tags after it
// are about. RANGE is a version, or two versions around a '-' with either side left open:
//   "7.3"        the 7.3 line (7.3, 7.3.1, ... 7.3.4)
//   "7.0-"       7.0 and every later kernel
//   "-6.12"      every kernel up to the 6.12 line, 6.12.x included
//   "6.13-7.2"   6.13 up to the 7.2 line
// A bound is compared on as many components as it has, so "6.12" as an upper bound takes in every
// 6.12.x and "6.12.100-" starts at that patch release.

export interface KernelRange {
  text: string;             // as written, for reports
  from: number[] | null;    // inclusive; null: open
  to: number[] | null;      // inclusive on its own components; null: open
}

const VERSION = /^\d+(\.\d+){0,2}$/;

/** Parse a range; throws a plain Error saying what is wrong (the caller reports it as a problem). */
export function parseKernelRange(text: string): KernelRange {
  const t = text.trim();
  const dash = t.indexOf('-');
  const [lo, hi] = dash < 0 ? [t, t] : [t.slice(0, dash).trim(), t.slice(dash + 1).trim()];
  if (dash >= 0 && lo === '' && hi === '') throw new Error(`__kernel("${text}"): a range needs at least one version, e.g. "7.0-" or "-6.12"`);
  for (const v of [lo, hi]) {
    if (v !== '' && !VERSION.test(v)) throw new Error(`__kernel("${text}"): '${v}' is not a kernel version (write e.g. "6.12", "7.0-", "-6.12", "6.13-7.2")`);
  }
  const range: KernelRange = { text: t, from: lo === '' ? null : numbers(lo), to: hi === '' ? null : numbers(hi) };
  if (range.from && range.to && compareOn(range.to, range.from) < 0 && compareOn(range.from, range.to) > 0) {
    throw new Error(`__kernel("${text}"): the range is empty (${lo} comes after ${hi})`);
  }
  return range;
}

/** "7.3.4+deb13-amd64" -> [7, 3, 4]; "6.12.0-rc3" -> [6, 12, 0]; null when it has no version. */
export function releaseVersion(release: string): number[] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function inKernelRange(range: KernelRange, version: number[]): boolean {
  if (range.from && compareOn(version, range.from) < 0) return false;
  if (range.to && compareOn(version, range.to) > 0) return false;
  return true;
}

function numbers(v: string): number[] {
  return v.split('.').map(Number);
}

/** Compare `version` with `bound` on the bound's components only. */
function compareOn(version: number[], bound: number[]): number {
  for (let i = 0; i < bound.length; i++) {
    const d = (version[i] ?? 0) - bound[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
