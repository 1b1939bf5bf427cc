// `bpf-verdict run` interrupted, for real: the CLI runs the corpus on Debian's 6.12 in QEMU and
// gets SIGINT while loading, or SIGTERM while its guest boots or while the kernel is booted to read
// its BTF. It must leave no QEMU and no temporary directory behind, keep in --out every result it
// had, say in the summary that the run was interrupted, and exit 130 / 143 as a shell reports a
// process stopped by that signal. And when bpf-verdict itself is SIGKILLed, its QEMU dies too.
import t from 'tap';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { findAddon } from '../../harness/native.js';
import { buildGuestImage } from '../../vm/initramfs.js';
import { resolveKernel } from '../../vm/kernel.js';

const bin = join(process.cwd(), 'bin', 'bpf-verdict.js');

/** QEMU processes whose command line mentions `dir` (the agent socket lives in the run's TMPDIR). */
function qemusUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${p}/cmdline`, 'latin1'); } catch { continue; }
    if (cmd.startsWith('qemu-system') && cmd.includes(dir)) pids.push(Number(p));
  }
  return pids;
}

interface Interrupted { code: number | undefined; stderr: string; stdout: string; out: string; tmp: string; qemuAtSignal: number[]; loadedAtSignal: number }

/** Run the corpus; send `sig` once stderr matches `when`. */
async function interruptRun(sig: NodeJS.Signals, when: RegExp, env: Record<string, string> = {}): Promise<Interrupted> {
  const tmp = mkdtempSync(join(tmpdir(), 'bv-int-tmp-'));
  const out = mkdtempSync(join(tmpdir(), 'bv-int-out-'));
  const child = execa('node', [bin, 'run', '--kernel', 'debian:6.12', '--out', out, 'programs'],
    // forceKillAfterDelay off: execa would SIGKILL the CLI 5 s after our signal, which is not the fault under test.
    { env: { TMPDIR: tmp, ...env }, reject: false, all: false, buffer: true, timeout: 15 * 60_000, forceKillAfterDelay: false });
  let stderr = '';
  let sent = false;
  let qemuAtSignal: number[] = [];
  let loadedAtSignal = 0;
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (sent || !when.test(stderr)) return;
    sent = true;
    qemuAtSignal = qemusUnder(tmp);
    loadedAtSignal = Math.max(0, ...[...stderr.matchAll(/load debian:6\.12: (\d+)\//g)].map((m) => Number(m[1])));
    child.kill(sig);
  });
  const r = await child;
  return { code: r.exitCode, stderr, stdout: String(r.stdout), out, tmp, qemuAtSignal, loadedAtSignal };
}

function runDirOf(out: string): string {
  const dirs = readdirSync(out).filter((d) => d !== 'history.jsonl');
  if (dirs.length !== 1) throw new Error(`expected one dated report directory in ${out}, found: ${dirs.join(', ')}`);
  return join(out, dirs[0]!);
}

t.test('SIGINT while loading: exit 130, the loaded objects in --out, no QEMU or temp dir left', async (t) => {
  // The first progress line of the load phase comes after the first object; ~80 follow.
  const r = await interruptRun('SIGINT', /load debian:6\.12: \d+\/\d+/);
  t.teardown(() => { rmSync(r.tmp, { recursive: true, force: true }); rmSync(r.out, { recursive: true, force: true }); });
  t.equal(r.code, 130, `exit code (stderr tail: ${r.stderr.slice(-600)})`);
  t.ok(r.loadedAtSignal >= 1, 'the signal came after at least one object was loaded');
  t.ok(r.qemuAtSignal.length >= 1, 'a guest was running when the signal came (the check below can fail)');
  t.same(qemusUnder(r.tmp), [], 'no QEMU left');
  for (const pid of r.qemuAtSignal) t.throws(() => process.kill(pid, 0), `QEMU ${pid} is gone`);
  t.same(readdirSync(r.tmp), [], 'no temporary directory left in TMPDIR');
  t.match(r.stderr, /SIGINT: stopping the guest and writing the results obtained so far/);

  const dir = runDirOf(r.out);
  const records = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { object: string; outcome: string });
  const objects = new Set(records.map((x) => x.object));
  t.ok(objects.size >= r.loadedAtSignal, `every object loaded before the signal is in results.jsonl (${objects.size} >= ${r.loadedAtSignal})`);
  t.same(records.filter((x) => ['crash', 'timeout', 'loader-error'].includes(x.outcome)), [], 'the load in flight was not recorded as a crash or a failure');
  t.ok(records.length < 330, 'the run did stop early');
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { interrupted: string | null };
  t.equal(run.interrupted, 'SIGINT');
  t.match(readFileSync(join(dir, 'summary.txt'), 'utf8'), new RegExp(`INTERRUPTED by SIGINT: the ${records.length} results above were obtained before it`));
  t.match(r.stdout, /INTERRUPTED by SIGINT/, 'the terminal summary says so too');
  const history = readFileSync(join(r.out, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { interrupted?: string });
  t.equal(history.at(-1)!.interrupted, 'SIGINT', 'the history line is marked as a partial run');
});

t.test('SIGTERM while the guest boots: exit 143, an empty but complete report, nothing left behind', async (t) => {
  const r = await interruptRun('SIGTERM', /booting debian-6\.12/);
  t.teardown(() => { rmSync(r.tmp, { recursive: true, force: true }); rmSync(r.out, { recursive: true, force: true }); });
  t.equal(r.code, 143, `exit code (stderr tail: ${r.stderr.slice(-600)})`);
  t.same(qemusUnder(r.tmp), [], 'no QEMU left');
  for (const pid of r.qemuAtSignal) t.throws(() => process.kill(pid, 0), `QEMU ${pid} is gone`);
  t.same(readdirSync(r.tmp), [], 'no temporary directory left in TMPDIR');
  const dir = runDirOf(r.out);
  t.equal(readFileSync(join(dir, 'results.jsonl'), 'utf8'), '', 'no results: nothing was loaded, and nothing in flight was turned into one');
  t.match(readFileSync(join(dir, 'summary.txt'), 'utf8'), /INTERRUPTED by SIGTERM: the 0 results above/);
});

t.test('SIGKILL of bpf-verdict itself (nothing can be cleaned up): its QEMU dies with it', async (t) => {
  const r = await interruptRun('SIGKILL', /guest ready/);
  t.teardown(() => { rmSync(r.tmp, { recursive: true, force: true }); rmSync(r.out, { recursive: true, force: true }); });
  t.equal(r.code, undefined, 'killed, no exit status');
  t.ok(r.qemuAtSignal.length >= 1, 'a guest was running when the signal came');
  // The kernel delivers the parent-death signal as the process dies; give it a moment to be reaped.
  for (let i = 0; i < 100 && qemusUnder(r.tmp).length; i++) await new Promise((res) => setTimeout(res, 100));
  t.same(qemusUnder(r.tmp), [], 'no QEMU left (setpriv --pdeathsig)');
});

t.test('SIGTERM while the first run on a kernel boots it to read its BTF: exit 143 at once, no BTF entry half-written', async (t) => {
  // A private cache with the kernel and the guest image already in it, but not the kernel's BTF.
  const xdg = mkdtempSync(join(tmpdir(), 'bv-int-cache-'));
  t.teardown(() => rmSync(xdg, { recursive: true, force: true }));
  const kernel = await resolveKernel('debian:6.12');
  const image = await buildGuestImage({ addonPath: findAddon()!, modules: kernel.modules });
  cpSync(dirname(kernel.bzImage), join(xdg, 'bpf-verdict', 'kernels', basename(dirname(kernel.bzImage))), { recursive: true });
  cpSync(dirname(image.path), join(xdg, 'bpf-verdict', 'images', image.hash), { recursive: true });

  const r = await interruptRun('SIGTERM', /booting debian-6\.12/, { XDG_CACHE_HOME: xdg });
  t.teardown(() => { rmSync(r.tmp, { recursive: true, force: true }); rmSync(r.out, { recursive: true, force: true }); });
  t.equal(r.code, 143, `exit code (stderr tail: ${r.stderr.slice(-600)})`);
  t.notMatch(r.stderr, /guest ready/, 'no boot was waited for');
  t.same(qemusUnder(r.tmp), [], 'no QEMU left');
  t.same(readdirSync(r.tmp), [], 'no temporary directory left in TMPDIR');
  t.same(readdirSync(join(xdg, 'bpf-verdict', 'btf')), [], 'no BTF entry and no temporary directory in the cache');
});
