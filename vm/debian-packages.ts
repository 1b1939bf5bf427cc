// Which Debian package holds the kernel a spec asks for. Pure: works on apt-cache's answers
// (madison rows for suites, show stanzas for dependencies), so it is tested on recorded answers.
//
// Package split: up to 6.18, linux-image-X is a real package with /boot/vmlinuz-X. From 6.19 on
// (trixie-backports, sid) linux-image-X is a metapackage that Depends on linux-binary-X (the
// vmlinuz, under /usr/lib/modules/X/vmlinuz) and linux-modules-X; we fetch linux-binary-X then.

export interface AptStanza { name: string; version: string; depends: string[] }
export interface MadisonRow { name: string; version: string; suite: string }

/** A bootable kernel Debian offers: the linux-image package and the package its vmlinuz is in. */
export interface KernelPackage {
  image: string;          // linux-image-7.3.4+deb13-amd64
  version: string;        // package version, 7.3.4-1~bpo13+1
  upstream: string;       // 7.3.4
  series: string;         // 7.3
  suite: string;          // trixie-backports
  vmlinuzIn: string;      // linux-binary-7.3.4+deb13-amd64 (split) or the image itself
}

export interface DebianPackage { name: string; version: string }

/** linux-image-6.12.117+deb12-amd64, linux-image-6.1.0-47-amd64; not -cloud/-rt/-dbg/-unsigned, not the 6.12-amd64 metapackage. */
const PLAIN_IMAGE = /^linux-image-(\d+\.\d+)\.\d+(-\d+)?(\+deb\d+)?-amd64$/;

export function isPlainImagePackage(name: string, series?: string): boolean {
  const m = PLAIN_IMAGE.exec(name);
  return !!m && (series === undefined || m[1] === series);
}

/** The upstream part of a package version: 6.12.117-1~deb12u1 -> 6.12.117 (an epoch is dropped). */
export function upstreamVersion(pkgVersion: string): string {
  return pkgVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

// Debian policy 5.6.12: compare non-digit runs char by char ('~' before anything, even the end;
// letters before non-letters), then digit runs as numbers; epoch first, revision last.
// Checked against `dpkg --compare-versions` on every version in the recorded apt answers.
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function comparePart(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i]!)) || (j < b.length && !/\d/.test(b[j]!))) {
      const ca = i < a.length && !/\d/.test(a[i]!) ? a[i] : undefined;
      const cb = j < b.length && !/\d/.test(b[j]!) ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      i++; j++;
    }
    let na = '', nb = '';
    while (i < a.length && /\d/.test(a[i]!)) na += a[i++];
    while (j < b.length && /\d/.test(b[j]!)) nb += b[j++];
    const d = Number(na || '0') - Number(nb || '0');
    if (d !== 0) return d;
  }
  return 0;
}

export function compareDebianVersions(a: string, b: string): number {
  const split = (v: string) => {
    const e = /^(\d+):/.exec(v);
    const rest = e ? v.slice(e[0].length) : v;
    const dash = rest.lastIndexOf('-');
    return { epoch: e ? Number(e[1]) : 0, up: dash < 0 ? rest : rest.slice(0, dash), rev: dash < 0 ? '' : rest.slice(dash + 1) };
  };
  const x = split(a), y = split(b);
  return Math.sign(x.epoch - y.epoch || comparePart(x.up, y.up) || comparePart(x.rev, y.rev));
}

export function parseAptShow(text: string): AptStanza[] {
  return text.split(/\n\n+/).flatMap((stanza) => {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    const deps = /^Depends: (.+)$/m.exec(stanza)?.[1] ?? '';
    // "a (= 1), b | c": keep the package names; alternatives are all listed.
    const depends = deps.split(/[,|]/).map((d) => d.trim().split(/[\s(]/)[0]!).filter(Boolean);
    return name && version ? [{ name: name.trim(), version: version.trim(), depends }] : [];
  });
}

/** `apt-cache madison` lines: "name | version | URI suite/component arch Packages". */
export function parseMadison(text: string): MadisonRow[] {
  return text.split('\n').flatMap((line) => {
    const [name, version, where] = line.split('|').map((s) => s.trim());
    const suite = where ? /^\S+\s+([^/\s]+)\//.exec(where)?.[1] : undefined;
    return name && version && suite && /\bPackages$/.test(where!) ? [{ name, version, suite }] : [];
  });
}

/** Every plain amd64 kernel image in the answers, one per (package, version, suite). */
export function kernelPackages(rows: MadisonRow[], stanzas: AptStanza[]): KernelPackage[] {
  const deps = new Map(stanzas.map((s) => [`${s.name}=${s.version}`, s.depends]));
  return rows.filter((r) => isPlainImagePackage(r.name)).map((r) => {
    const binary = r.name.replace(/^linux-image-/, 'linux-binary-');
    const split = (deps.get(`${r.name}=${r.version}`) ?? []).includes(binary);
    const upstream = upstreamVersion(r.version);
    return { image: r.name, version: r.version, upstream, series: upstream.split('.').slice(0, 2).join('.'), suite: r.suite, vmlinuzIn: split ? binary : r.name };
  });
}

/** 'newest', a series (7.3: its newest patch release) or an exact upstream version (7.3.4). */
export function matchesWant(upstream: string, want: string): boolean {
  return want === 'newest' || upstream === want || upstream.startsWith(`${want}.`);
}

/**
 * The newest upstream version that matches `want`, over all suites. Between packages of the same
 * upstream version (bookworm-security's 6.12.117-1~deb12u1 and trixie's 6.12.117-1 are builds
 * of the same source by two toolchains) the suites listed first in `preferredSuites` win (the
 * host's own release), then the newer package version.
 */
export function pickKernel<T extends { upstream: string; version: string; suite: string }>(pkgs: T[], want: string, preferredSuites: string[] = []): T | null {
  const rank = (s: string) => { const i = preferredSuites.indexOf(s); return i < 0 ? preferredSuites.length : i; };
  const fit = pkgs.filter((p) => matchesWant(p.upstream, want));
  fit.sort((a, b) => compareDebianVersions(b.upstream, a.upstream) || rank(a.suite) - rank(b.suite) || compareDebianVersions(b.version, a.version));
  return fit[0] ?? null;
}

/** Newest package whose upstream version matches `want` (cached entries, fetched trees: no suite). */
export function pickPackage<T extends DebianPackage>(pkgs: T[], want: string): T | null {
  return pickKernel(pkgs.map((p) => ({ p, upstream: upstreamVersion(p.version), version: p.version, suite: '' })), want)?.p ?? null;
}

export interface SeriesOffer { series: string; upstream: string; version: string; suite: string; image: string; split: boolean }

/** `kernel list --available`: per series, the package `debian:SERIES` resolves to, newest series first. */
export function offersBySeries(pkgs: KernelPackage[], preferredSuites: string[] = []): SeriesOffer[] {
  const series = [...new Set(pkgs.map((p) => p.series))].sort((a, b) => compareDebianVersions(b, a));
  return series.map((s) => {
    const p = pickKernel(pkgs, s, preferredSuites)!;
    return { series: s, upstream: p.upstream, version: p.version, suite: p.suite, image: p.image, split: p.vmlinuzIn !== p.image };
  });
}
