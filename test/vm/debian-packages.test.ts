// Package selection over apt-cache answers recorded on 2026-11-29 from the project's private apt
// config (bookworm, bookworm-updates, bookworm-security as the host lists them; trixie,
// trixie-backports, sid): test/fixtures/apt/*.txt.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  compareDebianVersions, kernelPackages, matchesWant, offersBySeries, parseAptShow, parseMadison, pickKernel, upstreamVersion,
} from '../../vm/debian-packages.js';

const fixture = (n: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/apt', n), 'utf8');
const rows = parseMadison(fixture('madison-linux-image.txt'));
const stanzas = parseAptShow(fixture('show-linux-image.txt'));
const pkgs = kernelPackages(rows, stanzas);
// As on a Debian 12 host: its own suites first, then the suites bpf-verdict adds.
const SUITES = ['bookworm', 'bookworm-updates', 'bookworm-security', 'trixie', 'trixie-backports', 'sid'];

t.test('madison rows keep package, version and suite', async (t) => {
  t.same(rows.find((r) => r.name === 'linux-image-7.2.13+deb14-amd64'), { name: 'linux-image-7.2.13+deb14-amd64', version: '7.2.13-1', suite: 'sid' });
  t.same(rows.find((r) => r.name === 'linux-image-6.12.117+deb12-amd64'), { name: 'linux-image-6.12.117+deb12-amd64', version: '6.12.117-1~deb12u1', suite: 'bookworm-security' });
});

t.test('only plain amd64 images: no -cloud, -rt, -dbg, -unsigned, no linux-image-6.12-amd64 metapackage', async (t) => {
  const names = new Set(pkgs.map((p) => p.image));
  t.ok(names.has('linux-image-7.3.4+deb13-amd64') && names.has('linux-image-6.1.0-57-amd64'));
  for (const n of names) t.notMatch(n, /-(cloud|rt)-|-dbg$|-unsigned$|^linux-image-6\.12-amd64$/, n);
  t.ok(rows.some((r) => /-cloud-|-rt-|-dbg$|-unsigned$/.test(r.name)), 'the recording has such packages to leave out');
});

t.test('the package split: 6.19+ images are metapackages, the vmlinuz is in linux-binary-*', async (t) => {
  const by = (image: string) => pkgs.find((p) => p.image === image)!;
  t.equal(by('linux-image-7.3.4+deb13-amd64').vmlinuzIn, 'linux-binary-7.3.4+deb13-amd64');
  t.equal(by('linux-image-7.2.13+deb14-amd64').vmlinuzIn, 'linux-binary-7.2.13+deb14-amd64');
  t.equal(by('linux-image-6.19.14+deb13-amd64').vmlinuzIn, 'linux-binary-6.19.14+deb13-amd64');
  t.equal(by('linux-image-6.18.15+deb13-amd64').vmlinuzIn, 'linux-image-6.18.15+deb13-amd64', '6.18 is still one package');
  t.equal(by('linux-image-6.12.117+deb12-amd64').vmlinuzIn, 'linux-image-6.12.117+deb12-amd64');
});

t.test('debian:X.Y is the newest patch release of the line over all suites', async (t) => {
  t.same(pick('7.3'), ['linux-image-7.3.4+deb13-amd64', 'trixie-backports']);
  t.same(pick('7.2'), ['linux-image-7.2.13+deb14-amd64', 'sid'], "sid's 7.2.13 over trixie-backports' 7.2.12");
  t.same(pick('6.1'), ['linux-image-6.1.0-57-amd64', 'bookworm-security'], '6.1.192-3 over 6.1.192-2');
  t.same(pick('6.19'), ['linux-image-6.19.14+deb13-amd64', 'trixie-backports']);
  t.equal(pickKernel(pkgs, '7.4', SUITES), null);
});

t.test("debian:6.12 stays bookworm's 6.12.117 while trixie carries the same upstream version", async (t) => {
  t.ok(pkgs.some((p) => p.image === 'linux-image-6.12.117+deb13-amd64' && p.suite === 'trixie'), 'trixie has 6.12.117 too');
  t.same(pick('6.12'), ['linux-image-6.12.117+deb12-amd64', 'bookworm-security'], 'the host\'s suites win a tie');
  t.same(pick('6.12.117'), ['linux-image-6.12.117+deb12-amd64', 'bookworm-security']);
  // Without a suite preference the newer package version (6.12.117-1 > 6.12.117-1~deb12u1) wins.
  t.equal(pickKernel(pkgs, '6.12')?.image, 'linux-image-6.12.117+deb13-amd64');
});

t.test('exact versions and debian:newest', async (t) => {
  t.same(pick('7.3.4'), ['linux-image-7.3.4+deb13-amd64', 'trixie-backports']);
  t.same(pick('7.2.12'), ['linux-image-7.2.12+deb13-amd64', 'trixie-backports']);
  t.same(pick('newest'), ['linux-image-7.3.4+deb13-amd64', 'trixie-backports']);
  t.equal(pickKernel(pkgs, '6.12.11', SUITES), null, '6.12.11 is not a prefix of 6.12.115');
  t.notOk(matchesWant('6.12.117', '6.1'), 'debian:6.1 is not 6.12');
});

t.test('linux-source-X.Y: the same choice (kernel fetch debian-source:)', async (t) => {
  const src = parseMadison(fixture('madison-linux-source.txt')).map((r) => ({ ...r, upstream: upstreamVersion(r.version) }));
  const at = (n: string, want: string) => { const p = pickKernel(src.filter((r) => r.name === n), want, SUITES); return p && [p.version, p.suite]; };
  t.same(at('linux-source-7.3', '7.3'), ['7.3.4-1~bpo13+1', 'trixie-backports']);
  t.same(at('linux-source-7.2', '7.2'), ['7.2.13-1', 'sid']);
  t.same(at('linux-source-6.12', '6.12'), ['6.12.117-1~deb12u1', 'bookworm-security'], 'the tree the 6.12 src: figures were made with');
});

t.test('kernel list --available: one row per series, newest first', async (t) => {
  const offers = offersBySeries(pkgs, SUITES);
  t.same(offers.map((o) => o.series), ['7.3', '7.2', '6.19', '6.18', '6.12', '6.1']);
  t.same(offers[0], { series: '7.3', upstream: '7.3.4', version: '7.3.4-1~bpo13+1', suite: 'trixie-backports', image: 'linux-image-7.3.4+deb13-amd64', split: true });
});

t.test('version order agrees with dpkg --compare-versions on every recorded version', async (t) => {
  const versions = [...new Set([...rows.map((r) => r.version), '1:6.1-1', '6.12~rc3-1', '6.12-1', '6.12+b1-1', '6.12a-1', '6.12.0-1'])];
  // Sorted by our order, each neighbour pair must be 'lt' or 'eq' for dpkg: then both orders are the same.
  const sorted = [...versions].sort(compareDebianVersions);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [a, b] = [sorted[i]!, sorted[i + 1]!];
    const op = compareDebianVersions(a, b) === 0 ? 'eq' : 'lt';
    const dpkg = await execa('dpkg', ['--compare-versions', a, op, b], { reject: false });
    t.equal(dpkg.exitCode, 0, `dpkg: ${a} ${op} ${b}`);
  }
  t.ok(compareDebianVersions('6.12.117-1~deb12u1', '6.12.117-1') < 0, '~ sorts before the end');
});

function pick(want: string): [string, string] | null {
  const p = pickKernel(pkgs, want, SUITES);
  return p && [p.image, p.suite];
}
