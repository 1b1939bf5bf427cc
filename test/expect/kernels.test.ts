import t from 'tap';
import { inKernelRange, parseKernelRange, releaseVersion } from '../../src/expect/kernels.js';

t.test('releases: uname -r and plain versions', async (t) => {
  t.same(releaseVersion('7.3.4+deb13-amd64'), [7, 3, 4]);
  t.same(releaseVersion('6.1.0-57-amd64'), [6, 1, 0], 'Debian 6.1 names its ABI, not the patch level');
  t.same(releaseVersion('7.4.0-rc2'), [7, 4, 0]);
  t.same(releaseVersion('6.12'), [6, 12, 0]);
  t.equal(releaseVersion('bpf-next'), null);
});

t.test('ranges: bounds compare on their own components', async (t) => {
  const inside = (range: string, release: string) => inKernelRange(parseKernelRange(range), releaseVersion(release)!);
  t.ok(inside('7.0-', '7.0.0'));
  t.ok(inside('7.0-', '8.1.2'));
  t.notOk(inside('7.0-', '6.19.3'));
  t.ok(inside('-6.12', '6.12.117'), 'an upper bound takes in its whole line');
  t.notOk(inside('-6.12', '6.13.0'));
  t.ok(inside('7.3', '7.3.4'));
  t.notOk(inside('7.3', '7.30.1'));
  t.ok(inside('6.13-7.2', '7.2.13'));
  t.notOk(inside('6.13-7.2', '6.12.117'));
  t.ok(inside(' 7.3 - ', '7.3.4'), 'spaces are allowed');
  t.same(parseKernelRange('6.13-7.2'), { text: '6.13-7.2', from: [6, 13], to: [7, 2] });
  t.throws(() => parseKernelRange('latest'), /'latest' is not a kernel version/);
});
