// Debian's newer kernels, all real: bpf-verdict's own apt lists (trixie, trixie-backports, sid
// beside the host's suites) resolve debian:7.3 to the newest 7.3 Debian carries, its vmlinuz is
// fetched from the split linux-binary-* package, and the kernel boots and verifies graph programs.
import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { bzImageVersion, resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { compileFixtures } from '../fixtures/harness/compile.js';
import type { AvailableKernel } from '../../vm/debian-kernel.js';

const root = join(import.meta.dirname, '../../..');
const cli = join(root, 'bin/bpf-verdict.js');

t.test('kernel list --available: what Debian offers, per series, from its own apt lists', async (t) => {
  const r = await execa('node', [cli, 'kernel', 'list', '--available', '--json'], { reject: false });
  t.equal(r.exitCode, 0, 'exits 0', { stderr: r.stderr });
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as AvailableKernel);
  const by = new Map(rows.map((x) => [x.series, x]));
  t.match(by.get('7.3'), { upstream: /^7\.3\.\d+$/, suite: /^(trixie-backports|sid|trixie)$/, split: true });
  t.match(by.get('6.12'), { upstream: /^6\.12\.\d+$/, split: false });
  t.match(by.get('7.3')?.source, { version: /^7\.3\.\d+-/ }, 'linux-source-7.3 is offered');
  // Newest series first: debian:newest is the first row's version.
  t.same(rows.map((x) => x.series), [...rows.map((x) => x.series)].sort((a, b) => b.localeCompare(a, 'en', { numeric: true })));
  const newest = await resolveKernel('debian:newest');
  t.equal(newest.version, rows[0]!.upstream, 'debian:newest is the newest version of the newest series');
});

t.test('debian:7.3 downloads the vmlinuz from linux-binary-* into an empty cache', async (t) => {
  // A fresh cache: apt-get update of the private lists and the download really happen.
  const hostTargets = async () => (await execa('apt-get', ['indextargets', '--format', '$(REPO_URI) $(RELEASE)'], { reject: false })).stdout;
  const before = await hostTargets();
  const cache = await mkdtemp(join(tmpdir(), 'bpfv-debian73-'));
  t.teardown(() => rm(cache, { recursive: true, force: true }));
  const script = `import('${join(root, 'dist/vm/kernel.js')}').then(async (m) => console.log(JSON.stringify(await m.resolveKernel('debian:7.3', { onProgress: (s) => console.error(s) }))))`;
  const r = await execa('node', ['-e', script], { env: { XDG_CACHE_HOME: cache }, reject: false, timeout: 900_000 });
  t.equal(r.exitCode, 0, 'exits 0', { stderr: r.stderr });
  t.match(r.stderr, /apt-get update of bpf-verdict's own apt lists/);
  t.match(r.stderr, /downloading linux-binary-7\.3\.\d+\+deb\d+-amd64 /, 'the vmlinuz comes from the linux-binary package');
  const img = JSON.parse(r.stdout) as { bzImage: string; version: string; id: string };
  t.match(img, { version: /^7\.3\.\d+$/, id: /^debian-7\.3\.\d+$/ });
  t.match(bzImageVersion(await readFile(img.bzImage)), /^7\.3\.\d+\+deb\d+-amd64$/, 'a bzImage of that release');
  t.equal(await hostTargets(), before, "the host's apt sources are as they were");
});

t.test('debian:7.3 boots; graph programs compiled against its vmlinux.h load with the same verdicts as on 6.12', async (t) => {
  const kernel = await resolveKernel('debian:7.3');
  const vm = await GuestVm.boot({ kernel });
  t.teardown(() => vm.shutdown());
  t.match(vm.release, /^7\.3\.\d+\+deb\d+-amd64$/);
  const header = await vmlinuxHeaderFor(kernel, { vm });
  t.match(await readFile(header, 'utf8'), /struct bpf_list_head \{/);
  const { graph } = await compileFixtures(header, ['graph']);
  const r = Object.fromEntries((await vm.loadObject(await readFile(graph!), { object: graph! })).map((x) => [x.program, x]));
  t.equal(r.push_locked?.verdict, 'accept');
  for (const p of ['push_without_lock', 'use_after_unlock', 'leak_at_exit']) t.equal(r[p]?.verdict, 'reject', p);
  // The error lines, from the raw logs (7.x appends statistics and reports after them).
  t.match(r.push_without_lock?.log, /bpf_spin_lock at off=0 must be held for bpf_list_head/);
  t.match(r.use_after_unlock?.log, /R\d+ invalid mem access 'scalar'/);
  t.match(r.leak_at_exit?.log, /Unreleased reference id=\d+ alloc_insn=\d+/);
});
