import t from 'tap';
import { agentArgs, detectAccel, kernelCmdline, machineArgs, presetLpj, qemuArgv } from '../../vm/qemu-args.js';

const cfg = { accel: 'tcg' as const, memoryMb: 1024, cpus: 2, bzImage: '/k/bzImage', initrd: '/i.cpio', agentSocket: '/run/a.sock', testHooks: false };

t.test('KVM uses the host CPU, TCG emulates max', async (t) => {
  t.same(machineArgs('kvm'), ['-machine', 'q35,accel=kvm', '-cpu', 'host']);
  t.same(machineArgs('tcg'), ['-machine', 'q35,accel=tcg', '-cpu', 'max']);
});

t.test('the guest never gets a network, a display or default devices', async (t) => {
  const argv = qemuArgv(cfg);
  t.same(argv.slice(argv.indexOf('-nic'), argv.indexOf('-nic') + 2), ['-nic', 'none']);
  t.ok(argv.includes('-nodefaults'));
  t.ok(argv.includes('-no-reboot'), 'panic=-1 + -no-reboot: a panicking guest ends QEMU');
  t.notOk(argv.some((a) => /netdev|user,|tap,/.test(a)));
});

t.test('the agent port is a named virtserialport on a unix socket QEMU serves', async (t) => {
  const a = agentArgs('/run/a.sock');
  t.ok(a.includes('virtio-serial-pci,id=vser0'));
  t.ok(a.some((x) => x === 'socket,id=agent,path=/run/a.sock,server=on,wait=off'));
  t.ok(a.some((x) => x.includes('name=org.bpfverdict.agent')));
});

t.test('command line: serial console, our init, panic ends the VM; test hooks only when asked', async (t) => {
  t.match(kernelCmdline(false), /console=ttyS0/);
  t.match(kernelCmdline(false), /rdinit=\/init/);
  t.match(kernelCmdline(false), /panic=-1/);
  t.match(kernelCmdline(false), /\bno_timer_check\b/, 'no IO-APIC timer check: a busy TCG host misses its ticks');
  t.match(kernelCmdline(false), /\bcryptomgr\.notests\b.*\bwatchdog_thresh=60\b/, 'no crypto self-tests, no lockup reports for a starved vCPU');
  t.notMatch(kernelCmdline(false), /test_hooks/);
  t.match(kernelCmdline(true), /bpf_verdict\.test_hooks=1/);
  const argv = qemuArgv({ ...cfg, memoryMb: 3000, cpus: 3 });
  t.equal(argv[argv.indexOf('-m') + 1], '3000');
  t.equal(argv[argv.indexOf('-smp') + 1], '3');
  t.equal(argv[argv.indexOf('-kernel') + 1], '/k/bzImage');
  t.equal(argv[argv.indexOf('-initrd') + 1], '/i.cpio');
});

t.test('no usable /dev/kvm means TCG', async (t) => {
  t.equal(detectAccel('/nonexistent/kvm'), 'tcg');
});

t.test('a host where KVM failed to run a guest is remembered per host kernel: later boots use TCG', async (t) => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { markKvmUnusable } = await import('../../vm/qemu-args.js');
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = await mkdtemp(join(tmpdir(), 'kvm-marker-'));
  t.teardown(() => { process.env.XDG_CACHE_HOME = saved; });
  // /dev/null opens read-write like a usable /dev/kvm: only the marker can say TCG.
  t.equal(detectAccel('/dev/null'), 'kvm');
  await markKvmUnusable('KVM internal error. Suberror: 1');
  t.equal(detectAccel('/dev/null'), 'tcg');
});

t.test('loops_per_jiffy is preset (no delay-loop calibration per vCPU), computed for HZ=100 so it errs long', async (t) => {
  t.equal(presetLpj(2600), 26_000_000, '2.6 GHz: 2.6e9 cycles per second over 100 jiffies');
  t.equal(presetLpj(0), 10_000_000, 'an unknown clock counts as 1 GHz');
  t.match(kernelCmdline(false, 1234), /(^| )lpj=1234( |$)/);
  t.match(kernelCmdline(false), /(^| )lpj=\d+( |$)/);
});

t.test('-kernel takes whatever boots: the bzImage or its PVH vmlinux', async (t) => {
  const argv = qemuArgv({ ...cfg, bzImage: '/c/vmlinux-pvh/x/vmlinux' });
  t.equal(argv[argv.indexOf('-kernel') + 1], '/c/vmlinux-pvh/x/vmlinux');
  t.equal(argv[argv.indexOf('-initrd') + 1], '/i.cpio');
});
