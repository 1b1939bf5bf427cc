// Boot figures: time from QEMU start to the guest agent's 'ready', and the whole
// GuestVm.boot (image cache check + QEMU + hello), over N boots of one kernel.
// The guest's own clock splits the boot: kernel start to /init starting the agent (kernel, devices,
// initramfs), then node's start-up to the agent's 'ready'; the rest is before the kernel's clock runs
// (QEMU, firmware, loading and, for a bzImage, decompressing the kernel).
//   node dist/bench/boot.js [--kernel debian:6.12] [--runs 3] [--accel kvm|tcg] [--no-pvh] [--cpus N]
// Figures on stdout; progress on stderr.
import { parseArgs } from 'node:util';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveKernel, DEFAULT_KERNEL } from '../vm/kernel.js';
import { GuestVm } from '../vm/vm.js';
import type { Accel } from '../vm/qemu-args.js';

const { values } = parseArgs({ options: { kernel: { type: 'string' }, runs: { type: 'string' }, accel: { type: 'string' }, 'no-pvh': { type: 'boolean' }, cpus: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const kernel = await resolveKernel(values.kernel ?? DEFAULT_KERNEL, { onProgress: (m) => process.stderr.write(`${m}\n`) });
const ready: number[] = [];
const total: number[] = [];
const uptime: number[] = [];
const shutdown: number[] = [];
const atInit: number[] = [];
const nodeStart: number[] = [];
const beforeKernel: number[] = [];
let accel = '';
const dir = mkdtempSync(join(tmpdir(), 'bench-boot-'));
const loadBefore = loadavg().map((x) => x.toFixed(1)).join(' ');
try {
  for (let i = 0; i < runs; i++) {
    const consoleLog = join(dir, `console-${i}.log`);
    const vm = await GuestVm.boot({ kernel, accel: values.accel as Accel | undefined, pvh: !values['no-pvh'], cpus: values.cpus ? Number(values.cpus) : undefined,
      consoleLog, onProgress: (m) => process.stderr.write(`  ${m}\n`) });
    accel = vm.accel;
    ready.push(vm.bootMs.qemuToReady);
    total.push(vm.bootMs.total);
    uptime.push(vm.bootMs.guestUptime);
    const t = Date.now();
    await vm.shutdown();
    shutdown.push(Date.now() - t);
    const init = /starting agent at uptime ([\d.]+)/.exec(readFileSync(consoleLog, 'latin1'));
    if (init) {
      atInit.push(Number(init[1]) * 1000);
      nodeStart.push(vm.bootMs.guestUptime - Number(init[1]) * 1000);
    }
    beforeKernel.push(vm.bootMs.qemuToReady - vm.bootMs.guestUptime);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${(s[Math.floor(s.length / 2)]! / 1000).toFixed(2)} s (min ${(s[0]! / 1000).toFixed(2)}, max ${(s.at(-1)! / 1000).toFixed(2)})`;
};
process.stdout.write(`kernel ${kernel.id}, ${accel}, ${values['no-pvh'] ? 'bzImage' : 'PVH when the kernel has it'}, ${runs} boots on ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load average before ${loadBefore}, after ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
process.stdout.write(`QEMU start -> agent ready: ${stat(ready)}\n`);
process.stdout.write(`  before the guest clock:  ${stat(beforeKernel)} (QEMU, firmware, kernel load/decompression)\n`);
if (atInit.length) process.stdout.write(`  kernel -> /init's agent: ${stat(atInit)} (kernel init, devices, initramfs)\n`);
if (nodeStart.length) process.stdout.write(`  node start -> ready:     ${stat(nodeStart)}\n`);
process.stdout.write(`guest uptime at ready:     ${stat(uptime)}\n`);
process.stdout.write(`GuestVm.boot total:        ${stat(total)}\n`);
process.stdout.write(`clean shutdown:            ${stat(shutdown)}\n`);
