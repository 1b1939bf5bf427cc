// Two faults of a corpus run, with REAL guests (Debian's 6.12 in QEMU) and one run shared by both:
// - QEMU killed with SIGKILL while a load is in flight (the OOM killer, a stray kill -9). The
//   backend is the real one, except that loading the chosen program first sends SIGKILL to that
//   guest's QEMU; the run must mark that program `crash` (named as a kill), carry on in a fresh
//   guest and lose nothing already obtained.
// - A program that keeps the verifier busy to its complexity limit (minutes under TCG) with a
//   short load timeout: `timeout` for that program, every other program still answered,
//   including the one in the same object.
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

const KILLED = 'leak_one_branch';        // programs/alloc/leak.c's last program, in the copy b-killed.o
const SLOW = 'near_complexity_limit';    // test/fixtures/faults/slow_verifier.c, as c-slow.o
const QUICK = 'answered_at_once';        // same object as SLOW
const qemuPids: number[] = [];
let kills = 0;

const kernel: KernelBackend = {
  ...realKernelBackend,
  async boot(k, o) {
    const vm = await GuestVm.boot({ kernel: k as KernelImage, memoryMb: o.memoryMb, cpus: o.cpus, bootTimeoutMs: o.bootTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs, onProgress: o.onProgress });
    if (vm.pid) qemuPids.push(vm.pid);
    return {
      release: vm.release,
      load(bytes, opts) {
        const answer = vm.loadObject(bytes, opts);   // the request is on its way to the guest...
        if (opts.object.endsWith('b-killed.o') && (!opts.programs || opts.programs.includes(KILLED))) {
          kills++;
          process.kill(vm.pid!, 'SIGKILL');          // ...when QEMU dies under it
        }
        return answer;
      },
      shutdown: () => vm.shutdown(),
      kill: () => vm.kill(),
    };
  },
};

const image = await realKernelBackend.resolve('debian:6.12');
const header = await realKernelBackend.vmlinuxHeader(image);
const built = await buildObjects(['programs/alloc/leak.c', 'test/fixtures/faults/slow_verifier.c'],
  { vmlinuxHeader: header, includeDirs: ['programs/include', 'programs/basics'], cflags: [] });
for (const b of built) if (!b.ok) throw new Error(`${b.source} does not compile: ${b.error}`);
const [leak, slow] = built.map((b) => (b.ok ? b.object : ''));
const dir = mkdtempSync(join(tmpdir(), 'bv-faults-'));
for (const name of ['a-first.o', 'b-killed.o', 'd-last.o']) copyFileSync(leak!, join(dir, name));
copyFileSync(slow!, join(dir, 'c-slow.o'));

const notes: string[] = [];
const result = await runCorpusWith({ kernel, analysis: realAnalysisBackend }, {
  // Ordinary objects load in well under a second even on a busy TCG host; the slow one takes minutes.
  kernels: ['debian:6.12'], paths: [dir], loadTimeoutSec: 10, guests: 1,   // the boot counts below are one guest's
  onProgress: (e) => { if (e.kind === 'vm') notes.push(e.message); },
});
const by = (obj: string) => result.records.filter((r) => r.object.endsWith(obj));

t.test('the program whose load QEMU died under is a crash that says QEMU was killed', async (t) => {
  const b = by('b-killed.o');
  t.equal(b.length, 3);
  t.same(b.filter((r) => r.outcome === 'crash').map((r) => r.program), [KILLED]);
  const crash = b.find((r) => r.program === KILLED)!;
  t.equal(crash.kernelSide.kind, 'crash');
  if (crash.kernelSide.kind === 'crash') t.match(crash.kernelSide.error, /QEMU was killed by SIGKILL/);
  t.ok(b.filter((r) => r.program !== KILLED).every((r) => r.outcome === 'agree'), 'its neighbours in the object were judged in a fresh guest');
  t.equal(kills, 2, 'killed once for the whole object, once when its programs were retried one at a time');
  t.match(notes.join('\n'), /b-killed\.o: guest crash .*one at a time/);
});

t.test('the program that keeps the verifier busy is a timeout; the program next to it is answered', async (t) => {
  const c = by('c-slow.o');
  t.same(c.map((r) => [r.program, r.outcome]).sort(), [[QUICK, 'agree'], [SLOW, 'timeout']]);
  const slowRec = c.find((r) => r.program === SLOW)!;
  if (slowRec.kernelSide.kind === 'timeout') t.match(slowRec.kernelSide.error, /did not answer the 'load' request within 10 s/);
  else t.fail(`kernel side is ${slowRec.kernelSide.kind}`);
  t.match(notes.join('\n'), /program near_complexity_limit took the guest down \(timeout\)/);
});

t.test('nothing before or after was lost; every QEMU is gone', async (t) => {
  for (const obj of ['a-first.o', 'd-last.o']) {
    t.equal(by(obj).length, 3, obj);
    t.ok(by(obj).every((r) => r.outcome === 'agree'), `${obj} agrees`);
  }
  // Boots: the first; after the object's kill; after the program's kill (it is the object's last,
  // so this one serves c-slow.o); after c-slow.o's timeout; after near_complexity_limit's own.
  t.equal(result.kernels[0]!.boots, 5);
  t.equal(qemuPids.length, 5);
  t.equal(result.kernels[0]!.error, null);
  for (const pid of qemuPids) {
    let alive = true;
    try { process.kill(pid, 0); } catch { alive = false; }
    t.notOk(alive, `QEMU ${pid} is gone`);
  }
  t.equal(result.exitCode, 1, 'a crash and a timeout are differences');
});
