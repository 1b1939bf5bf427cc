// The agent's exec test hook, for real in Debian's 6.12 guest: bench/veristat.ts sends a static
// binary and the objects it reads and runs it there. Files land in a fresh directory, the child's
// output and exit come back, a child past its time is killed, and a missing program is an answer,
// not a dead agent; the same guest keeps serving requests afterwards.
import t from 'tap';
import { resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';

const kernel = await resolveKernel('debian:6.12');
const vm = await GuestVm.boot({ kernel, testHooks: true });
t.teardown(() => vm.shutdown());
const text = (s: string) => new Uint8Array(Buffer.from(s));

t.test('files sent with the request are in the working directory; stdout, stderr and the exit come back', async (t) => {
  const r = await vm.exec(['/bin/busybox', 'sh', '-c', 'cat a.txt; ls -l run.sh | cut -c1-10; ./run.sh; echo oops >&2; exit 3'],
    [{ name: 'a.txt', bytes: text('hello from the host\n') }, { name: 'run.sh', bytes: text('#!/bin/busybox sh\necho ran\n'), mode: 0o755 }], 60_000);
  t.equal(r.exitCode, 3);
  t.equal(r.signal, null);
  t.equal(r.stdout, 'hello from the host\n-rwxr-xr-x\nran\n');
  t.equal(r.stderr, 'oops\n');
  t.ok(r.ms > 0, 'the child\'s wall time on the guest clock');
});

t.test('a child past its time is killed; a program that does not exist is an answer', async (t) => {
  const slow = await vm.exec(['/bin/busybox', 'sleep', '30'], [], 500);
  t.equal(slow.exitCode, null);
  t.equal(slow.signal, 'SIGKILL');
  const missing = await vm.exec(['./no-such-tool'], [], 10_000);
  t.equal(missing.exitCode, null);
  t.match(missing.stderr, /ENOENT/);
  await t.rejects(vm.exec(['/bin/busybox', 'true'], [{ name: '../escape', bytes: text('x') }], 10_000), /plain names/, 'a file name with a path is refused');
});

t.test('the guest still answers afterwards', async (t) => {
  t.ok(vm.alive);
  t.equal((await vm.exec(['/bin/busybox', 'true'], [], 10_000)).exitCode, 0);
});
