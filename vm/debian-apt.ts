// The project's own apt configuration: the Debian suites the host lists (bookworm's own, read from
// the host's apt without changing it) plus trixie, trixie-backports and sid, where Debian carries
// its newer kernels. Own sources.list, lists, state, status and package cache under
// <cache>/apt/debian/; the host's apt sources and lists are never written. I/O adapter.
import { existsSync } from 'node:fs';
import { mkdir, stat, statfs, writeFile, rename, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir } from './cache.js';
import { CacheFullError, KernelError } from './errors.js';

/** Suites Debian's newer kernels come from, beyond what a Debian 12 host lists. */
export const EXTRA_SUITES = ['trixie', 'trixie-backports', 'sid'] as const;

const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Lists older than this are refreshed (Debian's kernel uploads land a few times a week). */
export const LISTS_MAX_AGE_MS = 24 * 3600_000;
const UPDATE_TIMEOUT_MS = 300_000;
/** Debian's lists for the host's suites, trixie, trixie-backports and sid plus apt's package cache: ~250 MB. */
const LISTS_SPACE_BYTES = 400 * 2 ** 20;

/**
 * Where the private apt config lives: BPF_VERDICT_APT_DIR (e.g. one set of lists shared by several
 * cache roots), else <cache>/apt/debian.
 */
async function aptDir(): Promise<string> {
  const d = process.env.BPF_VERDICT_APT_DIR;
  if (d) {
    await mkdir(d, { recursive: true });
    return d;
  }
  return cacheDir('apt', 'debian');
}

export interface AptTarget { uri: string; suite: string; component: string }

/** `apt-get indextargets` lines "URI|SUITE|COMPONENT" -> the host's Debian archive targets. */
export function parseIndexTargets(text: string): AptTarget[] {
  const seen = new Set<string>();
  const out: AptTarget[] = [];
  for (const line of text.split('\n')) {
    const [uri, suite, component] = line.trim().split('|');
    if (!uri || !suite || !component) continue;
    // Only Debian's own archive (deb.debian.org, security, a mirror or snapshot of either): a
    // third-party repository the host lists (nodesource, cloud SDKs) carries no kernels.
    if (!/\/debian(-security)?\/?$/.test(uri) && !/\/debian(-security)?\/\d{8}T\d{6}Z\/?$/.test(uri)) continue;
    const key = `${uri}|${suite}|${component}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ uri: uri.replace(/\/$/, ''), suite, component });
  }
  return out;
}

/** sources.list text: the host's Debian suites, then the extra suites on the host's main mirror. */
export function privateSourcesList(host: AptTarget[], extra: readonly string[] = EXTRA_SUITES): string {
  const mirror = host.find((t) => /\/debian$/.test(t.uri))?.uri ?? DEFAULT_MIRROR;
  const bySuite = new Map<string, { uri: string; components: string[] }>();
  const add = (uri: string, suite: string, component: string) => {
    const k = `${uri} ${suite}`;
    const e = bySuite.get(k) ?? { uri, components: [] };
    if (!e.components.includes(component)) e.components.push(component);
    bySuite.set(k, e);
  };
  for (const t of host) add(t.uri, t.suite, t.component);
  for (const s of extra) add(mirror, s, 'main');
  const lines = ['# Written by bpf-verdict: the host\'s Debian suites plus the suites that carry newer kernels.'];
  for (const [k, e] of bySuite) lines.push(`deb [signed-by=${KEYRING}] ${e.uri} ${k.split(' ')[1]} ${e.components.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** The suites of a sources.list, in order (the first listed win a tie between builds of one version). */
export function sourcesSuites(text: string): string[] {
  return [...new Set(text.split('\n').flatMap((l) => {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?\S+\s+(\S+)/.exec(l);
    return m ? [m[1]!] : [];
  }))];
}

/** The -o options that make apt-get/apt-cache use only the private configuration in `dir`. */
export function aptOptions(dir: string): string[] {
  const o: Record<string, string> = {
    'Dir::Etc::sourcelist': join(dir, 'sources.list'),
    'Dir::Etc::sourceparts': join(dir, 'sources.list.d'),
    'Dir::Etc::preferences': join(dir, 'preferences'),
    'Dir::Etc::preferencesparts': join(dir, 'preferences.d'),
    'Dir::State': join(dir, 'state'),
    'Dir::State::Lists': join(dir, 'lists'),
    // An empty dpkg status: candidates do not depend on what the host has installed.
    'Dir::State::status': join(dir, 'status'),
    'Dir::Cache': join(dir, 'cache'),
    // Debian's container images set these to "" (no cache): then every apt-cache call re-reads
    // ~45 MB of lists (7 s); with the cache it answers in 0.2 s.
    'Dir::Cache::pkgcache': 'pkgcache.bin',
    'Dir::Cache::srcpkgcache': 'srcpkgcache.bin',
  };
  return Object.entries(o).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

export interface DebianApt {
  dir: string;
  options: string[];
  updatedAt: Date;
  /** The host's suites first, then EXTRA_SUITES: the tie-break between builds of one upstream version. */
  suites: string[];
}

/** The private config, its lists fresh (apt-get update when missing or older than a day). */
export async function debianApt(spec: string, progress?: (m: string) => void): Promise<DebianApt> {
  const dir = await aptDir();
  const options = aptOptions(dir);
  const stamp = join(dir, 'updated');
  // Fresh lists: the sources.list they were made from says which suites, in which order (reading
  // the host's apt config again costs seconds on every run, and it changes rarely).
  const current = await readFile(join(dir, 'sources.list'), 'utf8').catch(() => null);
  const st = await stat(stamp).catch(() => null);
  if (current && st && Date.now() - st.mtimeMs < LISTS_MAX_AGE_MS) return { dir, options, updatedAt: st.mtime, suites: sourcesSuites(current) };

  const sources = privateSourcesList(await hostTargets());
  const suites = sourcesSuites(sources);
  for (const d of ['sources.list.d', 'preferences.d', 'state', 'lists/partial', 'cache']) await mkdir(join(dir, d), { recursive: true });
  if (!existsSync(join(dir, 'status'))) await writeFile(join(dir, 'status'), '');
  await writeFile(join(dir, `sources.list.${process.pid}`), sources);
  await rename(join(dir, `sources.list.${process.pid}`), join(dir, 'sources.list'));
  // apt-get update on a full disk does not fail, it stalls: refuse up front, naming the place.
  const fs = await statfs(dir).catch(() => null);
  if (fs && fs.bavail * fs.bsize < LISTS_SPACE_BYTES) {
    throw new CacheFullError(dir, `bpf-verdict's apt lists (${Math.round(fs.bavail * fs.bsize / 2 ** 20)} MiB free, about ${LISTS_SPACE_BYTES / 2 ** 20} MiB needed)`);
  }
  progress?.(`apt-get update of bpf-verdict's own apt lists (${dir}): ${EXTRA_SUITES.join(', ')} and the host's suites`);
  // flock: two runs updating the same lists at once would fight over apt's lock and fail.
  // timeout(1) signals its whole process group (flock, apt-get and apt's methods) when time is up:
  // an orphaned apt method would otherwise hold our pipes open and the wait would never end.
  const secs = String(UPDATE_TIMEOUT_MS * 2 / 1000);
  const up = await execa('timeout', ['-k', '10', secs, 'flock', '-w', String(UPDATE_TIMEOUT_MS / 1000), join(dir, 'update.lock'), 'apt-get', ...options, '-q', 'update'],
    { reject: false, all: true, timeout: UPDATE_TIMEOUT_MS * 2 + 30_000, stdin: 'ignore' });
  const timedOut = up.timedOut || up.exitCode === 124 || up.exitCode === 137;
  const errs = (up.all ?? '').split('\n').filter((l) => /^(E|W):|^Err:/.test(l));
  if (timedOut || up.exitCode !== 0 || errs.some((l) => l.startsWith('E:') || l.startsWith('Err:'))) {
    // Lists from an earlier update still answer (offline for a day): say so, and use them.
    if (st && current === sources) {
      progress?.(`warning: apt-get update failed (${errs[0] ?? `exit ${up.exitCode}`}); using the lists of ${st.mtime.toISOString()}`);
      return { dir, options, updatedAt: st.mtime, suites };
    }
    throw new KernelError(spec, `apt-get update of ${join(dir, 'sources.list')} ${timedOut ? `timed out after ${UPDATE_TIMEOUT_MS * 2 / 1000} s` : 'failed'}${errs.length ? `:\n    ${errs.slice(0, 6).join('\n    ')}` : ''}`,
      'check network access to the Debian archive (deb.debian.org); the host\'s apt configuration is not used or changed');
  }
  await writeFile(stamp, new Date().toISOString() + '\n');
  return { dir, options, updatedAt: (await stat(stamp)).mtime, suites };
}

/** The host's Debian suites, as its own apt sees them (read only). */
async function hostTargets(): Promise<AptTarget[]> {
  const r = await execa('apt-get', ['indextargets', '--format', '$(REPO_URI)|$(RELEASE)|$(COMPONENT)', 'Created-By: Packages'], { reject: false });
  return r.exitCode === 0 ? parseIndexTargets(r.stdout) : [];
}

/** apt-cache with the private configuration. */
export async function aptCache(apt: DebianApt, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await execa('apt-cache', [...apt.options, ...args], { reject: false, timeout: 120_000, stdin: 'ignore' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

/** `apt-get download NAME=VERSION` into `cwd` (never installed); returns apt's output on failure. */
export async function aptDownload(apt: DebianApt, name: string, version: string, cwd: string): Promise<{ ok: boolean; output: string }> {
  const r = await execa('apt-get', [...apt.options, 'download', `${name}=${version}`], { cwd, reject: false, all: true, timeout: 900_000, stdin: 'ignore' });
  return { ok: r.exitCode === 0, output: r.all ?? '' };
}
