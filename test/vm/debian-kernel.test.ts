import t from 'tap';
import { compareDebianVersions, isPlainImagePackage, parseAptShow, pickPackage, upstreamVersion } from '../../vm/debian-kernel.js';

t.test('only the plain signed amd64 image packages of the series qualify', async (t) => {
  t.ok(isPlainImagePackage('linux-image-6.12.117+deb12-amd64', '6.12'));
  t.ok(isPlainImagePackage('linux-image-6.1.0-47-amd64', '6.1'));
  const no: [string, string][] = [
    ['linux-image-6.12.117+deb12-rt-amd64', '6.12'], ['linux-image-6.12.117+deb12-cloud-amd64', '6.12'],
    ['linux-image-6.12-amd64-dbg', '6.12'], ['linux-image-6.1.0-47-amd64-unsigned', '6.1'],
    ['linux-image-6.1.0-47-amd64-dbg', '6.1'], ['linux-image-6.12.117+deb12-amd64', '6.1'],
  ];
  for (const [name, series] of no) t.notOk(isPlainImagePackage(name, series), `${name} is not a ${series} image`);
});

t.test('Debian version order: numbers numerically, ~ sorts before anything', async (t) => {
  t.ok(compareDebianVersions('6.12.117-1~deb12u1', '6.12.57-1~deb12u1') > 0);
  t.ok(compareDebianVersions('6.12.117-1~deb12u1', '6.12.117-1') < 0);
  t.equal(compareDebianVersions('6.1.158-1', '6.1.158-1'), 0);
});

t.test('pickPackage: newest of the series; an exact upstream version narrows it', async (t) => {
  // Recorded from `apt-cache show` on Debian 12 (bookworm + security), 2026-11.
  const pkgs = parseAptShow(`Package: linux-image-6.12.115+deb12-amd64
Version: 6.12.115-1~deb12u1

Package: linux-image-6.12.117+deb12-amd64
Version: 6.12.117-1~deb12u1

Package: linux-image-6.12.57+deb12-amd64
Version: 6.12.57-1~deb12u1
`);
  t.equal(pkgs.length, 3);
  t.equal(pickPackage(pkgs, '6.12')?.name, 'linux-image-6.12.117+deb12-amd64');
  t.equal(pickPackage(pkgs, '6.12.115')?.version, '6.12.115-1~deb12u1');
  t.equal(pickPackage(pkgs, '6.12.11'), null, '6.12.11 is not a prefix match of 6.12.115');
  t.equal(pickPackage(pkgs, '6.1'), null);
  t.equal(upstreamVersion('6.12.117-1~deb12u1'), '6.12.117');
});

t.test('modules are inserted dependencies first, as .modinfo says (Debian 6.1 virtio set)', async (t) => {
  const { modinfoDepends, orderByDepends } = await import('../../vm/debian-kernel.js');
  t.same(modinfoDepends(Buffer.from('\0license=GPL\0depends=virtio,virtio_ring\0retpoline=Y\0')), ['virtio', 'virtio_ring']);
  t.same(modinfoDepends(Buffer.from('\0depends=\0')), []);
  // depends= values recorded from linux-image-6.1.0-56-amd64's modules.
  const mods = [
    { name: 'virtio', depends: ['virtio_ring'] },
    { name: 'virtio_ring', depends: [] },
    { name: 'virtio_pci_modern_dev', depends: [] },
    { name: 'virtio_pci_legacy_dev', depends: [] },
    { name: 'virtio_pci', depends: ['virtio_ring', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio'] },
    { name: 'virtio_console', depends: ['virtio', 'virtio_ring'] },
  ];
  const order = orderByDepends(mods).map((m) => m.name);
  for (const m of mods) for (const d of m.depends) t.ok(order.indexOf(d) < order.indexOf(m.name), `${d} before ${m.name}`);
  t.throws(() => orderByDepends([{ name: 'a', depends: ['b'] }, { name: 'b', depends: ['a'] }]), /cycle/);
});
