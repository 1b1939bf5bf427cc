// The load strategy (batches, -ENOSPC, loader-error vs reject) replayed against RECORDED
// addon outcomes: test/fixtures/harness/recorded/*.json were captured with the real libbpf
// and a real kernel by test/fixtures/harness/record.mjs. The live version of these checks,
// against Debian 6.12 in QEMU, is test/e2e/load.test.ts.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, loadObjectPrograms, ObjectLoadError } from '../../harness/load.js';
import type { LibbpfAddon, NativeLoadOutcome, NativeOpenOutcome, NativeProgramLoad } from '../../harness/native.js';

interface Recording {
  object: string;
  calls: ({ fn: 'open'; result: NativeOpenOutcome } | { fn: 'load'; opts: { programs: string[]; logLevel: number; logSize: number }; result: NativeLoadOutcome })[];
}

const dir = join(process.cwd(), 'test', 'fixtures', 'harness', 'recorded');
const recording = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Recording;

/** Replays a recording; fails the test on any call the recording does not have. */
function replay(rec: Recording) {
  const seen: string[] = [];
  const addon: LibbpfAddon = {
    libbpfVersion: 'v1.1',
    libbpf: "libbpf v1.1 (the host's shared libbpf)",
    features: [],
    object__openPrograms() {
      const c = rec.calls.find((c) => c.fn === 'open');
      if (!c) throw new Error('unrecorded open');
      return c.result as NativeOpenOutcome;
    },
    async object__loadPrograms(_b, _n, opts) {
      const key = JSON.stringify(opts);
      seen.push(key);
      const c = rec.calls.find((c) => c.fn === 'load' && JSON.stringify(c.opts) === key);
      if (!c) throw new Error(`unrecorded load ${key}`);
      return c.result as NativeLoadOutcome;
    },
  };
  return { addon, seen };
}

t.test('one batch per failure: 4 programs with 3 rejects need 3 loads, not 4', async (t) => {
  const { addon, seen } = replay(recording('graph'));
  const rs = await loadObjectPrograms(addon, new Uint8Array(), { object: 'graph.bpf.o' });
  t.same(rs.map((r) => [r.program, r.verdict]), [
    ['push_locked', 'accept'], ['push_without_lock', 'reject'], ['use_after_unlock', 'reject'], ['leak_at_exit', 'reject'],
  ]);
  t.equal(seen.length, 3);
  t.same(JSON.parse(seen[1]!).programs, ['use_after_unlock', 'leak_at_exit'], 'the second batch starts after the failed program');
  t.equal(rs[0]!.errno, 0);
  t.equal(rs[1]!.message, 'bpf_spin_lock at off=0 must be held for bpf_list_head');
  t.equal(rs[1]!.errno, 22);
  t.match(rs[2]!.message, /invalid mem access 'scalar'/);
  t.equal(rs[2]!.errno, 13);
  t.ok(rs.every((r) => r.stats?.insnsProcessed !== undefined), 'statistics for every program');
  t.notMatch(rs[0]!.libbpfLog ?? '', /push_without_lock/, 'libbpf lines about other programs are not attributed');
});

t.test('a program list selects programs; an unknown name is an ObjectLoadError naming the ones there are', async (t) => {
  const { addon } = replay(recording('graph'));
  const err = await loadObjectPrograms(addon, new Uint8Array(), { object: 'graph.bpf.o', programs: ['nope'] }).then(() => null, (e: unknown) => e);
  t.type(err, ObjectLoadError);
  t.same((err as ObjectLoadError).available, ['push_locked', 'push_without_lock', 'use_after_unlock', 'leak_at_exit']);
  t.match((err as Error).message, /no program named 'nope'/);
  const { addon: a2, seen } = replay(recording('graph'));
  const [r] = await loadObjectPrograms(a2, new Uint8Array(), { object: 'graph.bpf.o', programs: ['leak_at_exit'] });
  t.equal(r!.verdict, 'reject');
  t.same(seen.map((s) => JSON.parse(s).programs), [['leak_at_exit']]);
});

t.test('-ENOSPC from an accepted program: reloaded with a bigger buffer, reported accepted', async (t) => {
  const { addon, seen } = replay(recording('big_log'));
  const [r] = await loadObjectPrograms(addon, new Uint8Array(), { object: 'big_log.bpf.o' });
  t.equal(r!.verdict, 'accept');
  t.equal(r!.errno, 0);
  t.equal(seen.length, 2);
  t.match(r!.libbpfLog, /overflowed/);
});

t.test('a kfunc the kernel lacks is a loader-error with libbpf\'s reason', async (t) => {
  const { addon } = replay(recording('missing_kfunc'));
  const [r] = await loadObjectPrograms(addon, new Uint8Array(), { object: 'missing_kfunc.bpf.o' });
  t.equal(r!.verdict, 'loader-error');
  t.match(r!.message, /bpf_verdict_no_such_kfunc.*not found in kernel/);
  t.equal(r!.log, '');
});

t.test('an object libbpf cannot open is one loader-error result', async (t) => {
  const addon = {
    libbpfVersion: 'v1.1',
    libbpf: "libbpf v1.1 (the host's shared libbpf)",
    features: [],
    object__openPrograms: () => ({ err: -4003, libbpfLog: 'libbpf: elf: failed to get ELF header from x: invalid `Elf\' handle\n', programs: [] }),
    object__loadPrograms: () => Promise.reject(new Error('must not load')),
  } satisfies LibbpfAddon;
  const rs = await loadObjectPrograms(addon, new Uint8Array(), { object: 'x.o' });
  t.equal(rs.length, 1);
  t.equal(rs[0]!.verdict, 'loader-error');
  t.equal(rs[0]!.errno, 4003);
  t.match(rs[0]!.message, /ELF header/);
  t.equal(rs[0]!.libbpf, "libbpf v1.1 (the host's shared libbpf)", 'even an object-level failure names the libbpf that tried');
});

t.test('an accepted program has no message; the verifier\'s last line stays in the log', async (t) => {
  // the tail of Debian 6.12.117's log for an accepted program with a global subprogram
  const log = "Func#2 ('glist_trim') is safe for any args that match its prototype\nverification time 7741 usec\nstack depth 0+0+0\n"
    + 'processed 43 insns (limit 1000000) max_states_per_insn 0 total_states 4 peak_states 4 mark_read 1\n';
  const r = classify('a.o', { name: 'p', section: 'tc', selected: true, log } as NativeProgramLoad, 0, '');
  t.equal(r.verdict, 'accept');
  t.equal(r.message, null);
  t.match(r.log, /is safe for any args that match its prototype/);
});
