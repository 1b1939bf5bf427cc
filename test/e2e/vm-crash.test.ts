// A guest that dies or stops answering, for real: a kernel panic triggered in Debian's
// 6.12 guest (sysrq 'c' through the agent's test hook) and an agent that goes silent.
// Both must become typed errors carrying the console, and leave no QEMU behind.
import t from 'tap';
import { resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';
import { ProtocolError, VmPanicError, VmTimeoutError } from '../../vm/errors.js';

const kernel = await resolveKernel('debian:6.12');

function processGone(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

t.test('a kernel panic is a VmPanicError with the console tail; QEMU is gone', async (t) => {
  const vm = await GuestVm.boot({ kernel, testHooks: true });
  t.teardown(() => vm.shutdown());
  const pid = vm.pid;
  const err = await vm.testHook('panic').then(() => null, (e: unknown) => e);
  t.type(err, VmPanicError, `got: ${String(err)}`);
  const p = err as VmPanicError;
  t.equal(p.kind, 'panic');
  t.match(p.line, /Kernel panic - not syncing/);
  t.match(p.consoleTail, /sysrq/i, 'the tail shows what happened');
  t.match(p.describe(), /console tail:/);
  await vm.shutdown();
  t.notOk(vm.alive);
  t.ok(processGone(pid), `qemu pid ${pid} no longer exists`);
  await t.rejects(vm.loadObject(new Uint8Array(4), { object: 'x.o' }), VmPanicError, 'later requests fail fast with the same error');
});

t.test('a guest that stops answering is a VmTimeoutError; QEMU is killed', async (t) => {
  const vm = await GuestVm.boot({ kernel, testHooks: true });
  t.teardown(() => vm.shutdown());
  const pid = vm.pid;
  const t0 = Date.now();
  const err = await vm.testHook('stall', 3000).then(() => null, (e: unknown) => e);
  t.type(err, VmTimeoutError);
  t.ok(Date.now() - t0 < 20_000, 'the timeout fired, no hang');
  t.match((err as VmTimeoutError).message, /did not answer the 'test-stall' request within 3 s/);
  await vm.shutdown();
  t.ok(processGone(pid), `qemu pid ${pid} no longer exists`);
});

t.test('garbage on the channel is a ProtocolError, not a hang; QEMU is killed', async (t) => {
  const vm = await GuestVm.boot({ kernel, testHooks: true });
  t.teardown(() => vm.shutdown());
  const pid = vm.pid;
  const err = await vm.testHook('garbage', 60_000).then(() => null, (e: unknown) => e);
  t.type(err, ProtocolError, `got: ${String(err)}`);
  t.match((err as Error).message, /garbage on the agent channel: not a frame/);
  await vm.shutdown();
  t.ok(processGone(pid), `qemu pid ${pid} no longer exists`);
});

t.test('test hooks are refused unless the VM was booted for tests', async (t) => {
  const vm = await GuestVm.boot({ kernel });
  t.teardown(() => vm.shutdown());
  await t.rejects(vm.testHook('panic'), /test hooks are off/);
  t.ok(vm.alive, 'the refusal is an error reply; the guest lives on');
  const pid = vm.pid;
  await vm.shutdown();
  t.equal(vm.shutdownKind, 'poweroff', 'the guest powered itself off after the agent\'s ack (no kill needed)');
  t.ok(processGone(pid));
});

t.test('a kernel that panics while booting is booted twice more, then a VmPanicError; bootRetries: 0 boots once', async (t) => {
  // 160 MiB cannot hold the unpacked guest image: Debian's 6.12 panics ("System is deadlocked on
  // memory") before the agent starts, on every boot, as a kernel that cannot boot does.
  const said: string[] = [];
  const err = await GuestVm.boot({ kernel, memoryMb: 160, cpus: 1, onProgress: (m) => said.push(m) }).then(() => null, (e: unknown) => e);
  t.type(err, VmPanicError, `got: ${String(err)}`);
  t.equal((err as VmPanicError).kind, 'panic');
  t.equal(said.filter((m) => m.startsWith('booting ')).length, 3, 'three boots');
  t.equal(said.filter((m) => /^the guest did not boot \(guest kernel panic: .*\); booting again \(the whole console is in \S+\)$/.test(m)).length, 2, 'each retry said, with its console');
  const once: string[] = [];
  const err1 = await GuestVm.boot({ kernel, memoryMb: 160, cpus: 1, bootRetries: 0, onProgress: (m) => once.push(m) }).then(() => null, (e: unknown) => e);
  t.type(err1, VmPanicError);
  t.equal(once.filter((m) => m.startsWith('booting ')).length, 1, 'one boot');
});
