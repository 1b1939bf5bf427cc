// QEMU command line, one small pure function per option group, each saying why.
import { accessSync, constants, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { AGENT_PORT_NAME } from '../src/shared/protocol.js';
import { cacheDir, cacheRoot } from './cache.js';

export type Accel = 'kvm' | 'tcg';

export interface QemuConfig {
  accel: Accel;
  memoryMb: number;
  cpus: number;
  /** What -kernel loads: the bzImage, or its uncompressed vmlinux when it has a PVH entry (vm/vmlinux-pvh.ts). */
  bzImage: string;
  initrd: string;
  agentSocket: string;   // unix socket QEMU listens on for the agent's virtio-serial port
  testHooks: boolean;
}

/**
 * KVM when /dev/kvm can be opened read-write (root or the kvm group) and no earlier boot
 * on this host kernel found KVM unable to run a guest (markKvmUnusable); else TCG.
 */
export function detectAccel(devKvm = '/dev/kvm'): Accel {
  try {
    accessSync(devKvm, constants.R_OK | constants.W_OK);
  } catch {
    return 'tcg';
  }
  try {
    const marker = JSON.parse(readFileSync(join(cacheRoot(), KVM_MARKER), 'utf8')) as { hostRelease?: string };
    if (marker.hostRelease === release()) return 'tcg';
  } catch { /* no marker: KVM not known to fail */ }
  return 'kvm';
}

const KVM_MARKER = 'kvm-unusable.json';

/** Remember, per host kernel release, that KVM failed to run a guest (so later boots skip straight to TCG). */
export async function markKvmUnusable(reason: string): Promise<void> {
  await writeFile(join(await cacheDir(), KVM_MARKER), JSON.stringify({ hostRelease: release(), reason }, null, 2));
}

/** q35: a modern PCIe machine with ACPI, so `poweroff` in the guest really ends QEMU. */
export function machineArgs(accel: Accel): string[] {
  // KVM runs the host CPU's model; TCG emulates 'max' (every feature QEMU can emulate,
  // so the guest kernel sees e.g. the same BPF JIT-relevant features regardless of host).
  return ['-machine', `q35,accel=${accel}`, '-cpu', accel === 'kvm' ? 'host' : 'max'];
}

export function sizeArgs(memoryMb: number, cpus: number): string[] {
  return ['-m', String(memoryMb), '-smp', String(cpus)];
}

/**
 * Direct kernel boot: no bootloader, no disk; the initramfs is the whole root filesystem. Given an
 * ELF vmlinux with a PVH note, QEMU loads its segments and enters it at the PVH entry point (its
 * pvh.bin option ROM), skipping the bzImage's decompressor: ~1 s of emulated CPU under TCG.
 */
export function bootArgs(bzImage: string, initrd: string, cmdline: string): string[] {
  return ['-kernel', bzImage, '-initrd', initrd, '-append', cmdline];
}

/**
 * loops_per_jiffy given, not measured: under TCG each secondary vCPU's delay-loop calibration fails
 * ("calibrate_delay_direct() failed to get a good estimate") and falls back to a slow search, ~0.5 s
 * per vCPU. Delays use the TSC (tsc=reliable) where it runs, so the value only bounds the delay loop
 * fallback: computed for HZ=100 from the host's clock, it errs long (safe) for HZ=250 or 1000 kernels.
 */
export function presetLpj(hostMhz: number): number {
  return Math.max(1, Math.round((hostMhz > 0 ? hostMhz : 1000) * 1e6 / 100));
}

export function kernelCmdline(testHooks: boolean, lpj = presetLpj(cpus()[0]?.speed ?? 0)): string {
  return [
    'console=ttyS0',        // the serial console is the only window into a panic
    'rdinit=/init',         // our busybox script is PID 1
    'panic=-1',             // reboot at once on panic; with -no-reboot QEMU then exits
    'loglevel=4',           // warnings and worse on the console (oops/BUG/panic are levels 0-1)
    'mitigations=off',      // faster guest; irrelevant to the verifier
    'nokaslr',              // stable addresses in oops traces across runs
    'tsc=reliable',         // skip TSC watchdog calibration under TCG
    `lpj=${lpj}`,           // skip delay-loop calibration (presetLpj)
    // Skip the IO-APIC timer check: under TCG on a busy host it can miss its ticks and panic
    // ("IO-APIC + timer doesn't work!", seen with Debian's 7.3.4 at load average 25).
    'no_timer_check',
    // No crypto self-tests at boot: Debian's 7.3 runs them in kthreads that take minutes of
    // emulated CPU under TCG (and tripped the soft-lockup watchdog); the verifier needs none.
    'cryptomgr.notests',
    // Soft-lockup reports after 120 s instead of 20 s: under TCG on a busy host a vCPU can starve
    // for 30 s without any guest bug (seen at load average 28); a real lockup is still reported.
    'watchdog_thresh=60',
    ...(testHooks ? ['bpf_verdict.test_hooks=1'] : []), // enables the agent's test-panic/test-stall requests
  ].join(' ');
}

/** Serial console on QEMU's stdout, read live by the host (panic detection) and logged. */
export function consoleArgs(): string[] {
  return ['-chardev', 'stdio,id=console,signal=off', '-serial', 'chardev:console'];
}

/** The agent channel: a virtio-serial port (VIRTIO_CONSOLE is built into Debian's kernel) backed by a unix socket. */
export function agentArgs(socket: string): string[] {
  return [
    '-device', 'virtio-serial-pci,id=vser0',
    // server=on,wait=off: QEMU starts without waiting; the host connects as soon as the socket exists.
    '-chardev', `socket,id=agent,path=${socket},server=on,wait=off`,
    '-device', `virtserialport,bus=vser0.0,chardev=agent,name=${AGENT_PORT_NAME}`,
  ];
}

/** Nothing but what we add: no NIC (never the host network), no display, no monitor, no default devices. */
export function isolationArgs(): string[] {
  return ['-nodefaults', '-no-user-config', '-nic', 'none', '-display', 'none', '-no-reboot'];
}

export function qemuArgv(c: QemuConfig): string[] {
  return [
    ...isolationArgs(),
    ...machineArgs(c.accel),
    ...sizeArgs(c.memoryMb, c.cpus),
    ...bootArgs(c.bzImage, c.initrd, kernelCmdline(c.testHooks)),
    ...consoleArgs(),
    ...agentArgs(c.agentSocket),
  ];
}
