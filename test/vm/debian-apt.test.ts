// The private apt configuration: built from the host's Debian suites (recorded `apt-get indextargets`
// of a Debian 12 host, 2026-11-29) plus trixie, trixie-backports and sid.
import t from 'tap';
import { aptOptions, parseIndexTargets, privateSourcesList } from '../../vm/debian-apt.js';

// `apt-get indextargets --format '$(REPO_URI)|$(RELEASE)|$(COMPONENT)' 'Created-By: Packages'`, plus a third-party repository.
const HOST = `http://deb.debian.org/debian/|bookworm|main
http://deb.debian.org/debian/|bookworm-updates|main
http://deb.debian.org/debian-security/|bookworm-security|main
https://deb.nodesource.com/node_20.x/|nodistro|main
http://deb.debian.org/debian/|bookworm|main
`;

t.test("the host's Debian suites are kept, third-party repositories are not", async (t) => {
  t.same(parseIndexTargets(HOST), [
    { uri: 'http://deb.debian.org/debian', suite: 'bookworm', component: 'main' },
    { uri: 'http://deb.debian.org/debian', suite: 'bookworm-updates', component: 'main' },
    { uri: 'http://deb.debian.org/debian-security', suite: 'bookworm-security', component: 'main' },
  ]);
});

t.test('sources.list: host suites first, then trixie, trixie-backports, sid on the host mirror', async (t) => {
  const lines = privateSourcesList(parseIndexTargets(HOST)).split('\n').filter((l) => l.startsWith('deb '));
  t.same(lines.map((l) => l.split(' ').slice(2).join(' ')), [
    'http://deb.debian.org/debian bookworm main',
    'http://deb.debian.org/debian bookworm-updates main',
    'http://deb.debian.org/debian-security bookworm-security main',
    'http://deb.debian.org/debian trixie main',
    'http://deb.debian.org/debian trixie-backports main',
    'http://deb.debian.org/debian sid main',
  ]);
  t.ok(lines.every((l) => l.includes('[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]')));
  const mirror = privateSourcesList([{ uri: 'http://ftp.de.debian.org/debian', suite: 'bookworm', component: 'main' }]);
  t.match(mirror, /ftp\.de\.debian\.org\/debian sid main/, "the host's mirror is used for the added suites");
  t.match(privateSourcesList([]), /deb\.debian\.org\/debian trixie-backports main/, 'no host suites: Debian\'s own mirror');
});

t.test('apt options point every directory apt writes or reads state from into the private dir', async (t) => {
  const o = aptOptions('/c/apt/debian');
  const opts = new Map(o.filter((_, i) => i % 2 === 1).map((kv) => kv.split('=') as [string, string]));
  for (const k of ['Dir::Etc::sourcelist', 'Dir::Etc::sourceparts', 'Dir::Etc::preferences', 'Dir::Etc::preferencesparts', 'Dir::State', 'Dir::State::Lists', 'Dir::State::status', 'Dir::Cache']) {
    t.match(opts.get(k), /^\/c\/apt\/debian\//, k);
  }
  t.equal(opts.get('Dir::Cache::pkgcache'), 'pkgcache.bin', 'a package cache even where the host disables it');
});
