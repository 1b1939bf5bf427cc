// Crash and timeout recovery with REAL guests: Debian's 6.12 in QEMU, booted with the agent's test
// hooks. The kernel backend is the real one except that loading a chosen program asks the agent to
// panic the guest kernel (or to stop answering) instead; everything else loads for real. The run
// must mark exactly those programs crash / timeout, carry on in fresh guests, and lose nothing.
import t from 'tap';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildObjects } from '../../src/build/build.js';
import { realAnalysisBackend, realKernelBackend } from '../../src/run/real.js';
import { runCorpusWith } from '../../src/run/runner.js';
import type { KernelBackend } from '../../src/run/backend.js';
import { GuestVm } from '../../vm/vm.js';
import type { KernelImage } from '../../vm/kernel.js';

const PANIC = 'leak_simple';       // programs/alloc/leak.c, in the object copied as b-panics.o
const STALL = 'leak_one_branch';   // same file, in the object copied as d-stalls.o
const qemuPids: number[] = [];

const kernel: KernelBackend = {
  ...realKernelBackend,
  async boot(k, o) {
    const vm = await GuestVm.boot({ kernel: k as KernelImage, memoryMb: o.memoryMb, cpus: o.cpus, bootTimeoutMs: o.bootTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs, onProgress: o.onProgress, testHooks: true });
    if (vm.pid) qemuPids.push(vm.pid);
    return {
      release: vm.release,
      async load(bytes, opts) {
        const wants = (p: string) => !opts.programs || opts.programs.includes(p);
        if (opts.object.endsWith('b-panics.o') && wants(PANIC)) await vm.testHook('panic');
        if (opts.object.endsWith('d-stalls.o') && wants(STALL)) await vm.testHook('stall', 5_000);
        return vm.loadObject(bytes, opts);
      },
      shutdown: () => vm.shutdown(),
    };
  },
};

const image = await realKernelBackend.resolve('debian:6.12');
const header = await realKernelBackend.vmlinuxHeader(image);
const [built] = await buildObjects(['programs/alloc/leak.c'], { vmlinuxHeader: header, includeDirs: ['programs/include'], cflags: [] });
if (!built?.ok) throw new Error(`programs/alloc/leak.c does not compile: ${built && !built.ok ? built.error : ''}`);
const dir = mkdtempSync(join(tmpdir(), 'bv-crash-'));
for (const name of ['a-first.o', 'b-panics.o', 'c-middle.o', 'd-stalls.o']) copyFileSync(built.object, join(dir, name));

const notes: string[] = [];
const result = await runCorpusWith({ kernel, analysis: realAnalysisBackend }, {
  // One guest: the boot count below is one guest's (several guests: test/run/runner-jobs.test.ts).
  kernels: ['debian:6.12'], paths: [dir], loadTimeoutSec: 60, guests: 1,
  onProgress: (e) => { if (e.kind === 'vm') notes.push(e.message); },
});
const by = (obj: string) => result.records.filter((r) => r.object.endsWith(obj));

t.test('the panicking program is a crash with the console tail; its neighbours are judged normally', async (t) => {
  const b = by('b-panics.o');
  t.ok(b.length >= 3);
  t.same(b.filter((r) => r.outcome === 'crash').map((r) => r.program), [PANIC]);
  const crash = b.find((r) => r.program === PANIC)!;
  t.equal(crash.kernelSide.kind, 'crash');
  if (crash.kernelSide.kind === 'crash') t.match(crash.kernelSide.consoleTail, /Kernel panic|sysrq|BUG|Oops/i);
  t.ok(b.filter((r) => r.program !== PANIC).every((r) => r.outcome === 'agree'), 'the other programs of that object agree');
});

t.test('the stalling program is a timeout; the rest of its object still ran', async (t) => {
  const d = by('d-stalls.o');
  t.same(d.filter((r) => r.outcome === 'timeout').map((r) => r.program), [STALL]);
  t.ok(d.filter((r) => r.program !== STALL).every((r) => r.outcome === 'agree'));
});

t.test('nothing before or between was lost; fresh guests were booted and all shut down', async (t) => {
  t.ok(by('a-first.o').length >= 3 && by('a-first.o').every((r) => r.outcome === 'agree'));
  t.ok(by('c-middle.o').length >= 3 && by('c-middle.o').every((r) => r.outcome === 'agree'));
  // First boot, then fresh guests after: the object's panic, the program's panic (the panicking
  // program is not the file's last), the object's stall, and the program's stall if more follow.
  const d = by('d-stalls.o').map((r) => r.program);
  const expected = 4 + (d.indexOf(STALL) < d.length - 1 ? 1 : 0);
  t.equal(result.kernels[0]!.boots, expected);
  t.equal(qemuPids.length, expected);
  t.match(notes.join('\n'), /b-panics\.o: guest crash .*one at a time/);
  t.match(notes.join('\n'), /program leak_one_branch took the guest down \(timeout\)/);
  for (const pid of qemuPids) {
    let alive = true;
    try { process.kill(pid, 0); } catch { alive = false; }
    t.notOk(alive, `QEMU ${pid} is gone`);
  }
  t.equal(result.exitCode, 1);
});
