import t from 'tap';
import { homedir } from 'node:os';
import { UsageError } from '../../src/shared/errors.js';
import { parseKernelSpec } from '../../vm/kernel.js';

t.test('debian specs', async (t) => {
  t.same(parseKernelSpec('debian:6.12'), { kind: 'debian', version: '6.12' });
  t.same(parseKernelSpec('debian:6.1'), { kind: 'debian', version: '6.1' });
  t.same(parseKernelSpec('debian:6.12.117'), { kind: 'debian', version: '6.12.117' });
  t.same(parseKernelSpec('debian:7.3'), { kind: 'debian', version: '7.3' });
  t.same(parseKernelSpec('debian:newest'), { kind: 'debian', version: 'newest' });
});

t.test('file specs resolve ~ and relative paths', async (t) => {
  t.same(parseKernelSpec('file:/boot/bzImage'), { kind: 'file', path: '/boot/bzImage' });
  t.same(parseKernelSpec('file:~/linux/bzImage'), { kind: 'file', path: `${homedir()}/linux/bzImage` });
  t.equal((parseKernelSpec('file:bz') as { path: string }).path, `${process.cwd()}/bz`);
});

t.test('src specs split patches on +', async (t) => {
  t.same(parseKernelSpec('src:/k'), { kind: 'src', tree: '/k', patches: [] });
  t.same(parseKernelSpec('src:/k+/p/a.patch+/p/b.patch'), { kind: 'src', tree: '/k', patches: ['/p/a.patch', '/p/b.patch'] });
});

t.test('bad specs are usage errors with a hint listing the forms', async (t) => {
  for (const bad of ['6.12', 'debian:', 'debian:latest', 'debian:6', 'file:', 'src:', 'src:/k+', 'ubuntu:22.04']) {
    t.throws(() => parseKernelSpec(bad), UsageError, bad);
    try {
      parseKernelSpec(bad);
    } catch (e) {
      t.match((e as UsageError).hint, /debian:6\.12.*file:.*src:/, `${bad}: hint names the forms`);
    }
  }
});
