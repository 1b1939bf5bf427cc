// Boot figures: time from QEMU start to the guest agent's 'ready', and the whole
// GuestVm.boot (image cache check + QEMU + hello), over N boots of one kernel.
//   node dist/bench/boot.js [--kernel debian:6.12] [--runs 3] [--accel kvm|tcg]
// Figures on stdout; progress on stderr.
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { resolveKernel, DEFAULT_KERNEL } from '../vm/kernel.js';
import { GuestVm } from '../vm/vm.js';
import type { Accel } from '../vm/qemu-args.js';

const { values } = parseArgs({ options: { kernel: { type: 'string' }, runs: { type: 'string' }, accel: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const kernel = await resolveKernel(values.kernel ?? DEFAULT_KERNEL, { onProgress: (m) => process.stderr.write(`${m}\n`) });
const ready: number[] = [];
const total: number[] = [];
const uptime: number[] = [];
const shutdown: number[] = [];
let accel = '';
for (let i = 0; i < runs; i++) {
  const vm = await GuestVm.boot({ kernel, accel: values.accel as Accel | undefined, onProgress: (m) => process.stderr.write(`  ${m}\n`) });
  accel = vm.accel;
  ready.push(vm.bootMs.qemuToReady);
  total.push(vm.bootMs.total);
  uptime.push(vm.bootMs.guestUptime);
  const t = Date.now();
  await vm.shutdown();
  shutdown.push(Date.now() - t);
}
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${(s[Math.floor(s.length / 2)]! / 1000).toFixed(2)} s (min ${(s[0]! / 1000).toFixed(2)}, max ${(s.at(-1)! / 1000).toFixed(2)})`;
};
process.stdout.write(`kernel ${kernel.id}, ${accel}, ${runs} boots on ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}\n`);
process.stdout.write(`QEMU start -> agent ready: ${stat(ready)}\n`);
process.stdout.write(`guest uptime at ready:     ${stat(uptime)}\n`);
process.stdout.write(`GuestVm.boot total:        ${stat(total)}\n`);
process.stdout.write(`clean shutdown:            ${stat(shutdown)}\n`);
