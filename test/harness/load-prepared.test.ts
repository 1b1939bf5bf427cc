// The prepare-once path of harness/load.ts (libbpf >= 1.8: bpf_object__prepare + bpf_program__clone)
// against a FAKE addon (labelled as such: scripted outcomes, shaped like the real addon's). What is
// checked: which programs the fast path settles, which go to plain batched loads, and that log
// level 2 never takes it. That both paths give identical results on real objects is
// test/e2e/load-strategies.test.ts, on Linux 7.3.4.
import t from 'tap';
import { loadObjectPrograms, statsLogIsWholeLog } from '../../harness/load.js';
import type { LibbpfAddon, NativeProgramLoad, NativeProgramVerify } from '../../harness/native.js';

const info = (name: string) => ({ name, section: 'tc', type: 'sched_cls', insnCnt: 4, autoload: true });
// Shaped like 7.3.4's statistics (one line per subprogram since 7.x).
const STATS = 'verification time 7 usec\nstack depth max 0\nsubprog 0 (p) main insns_self 3 insns_total 3 stack 0\nprocessed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n';

/** FAKE: `verify` scripts object__verifyPrograms per program; plain loads accept whatever is asked. */
function fakeAddon(verify: Record<string, Pick<NativeProgramVerify, 'err' | 'log'> & { globalSubprogs?: boolean | null }>, calls: string[]): LibbpfAddon {
  const names = Object.keys(verify);
  return {
    libbpfVersion: 'v1.8', libbpf: 'libbpf 1.8.0 (fake)', features: ['bpf_object__prepare', 'bpf_program__clone', 'verify_programs'],
    object__openPrograms: () => ({ err: 0, libbpfLog: '', programs: names.map(info) }),
    async object__loadPrograms(_b, _n, opts) {
      calls.push(`load ${opts.programs.join(',')} level ${opts.logLevel}`);
      const programs: NativeProgramLoad[] = names.map((n) => ({ ...info(n), selected: opts.programs.includes(n), log: opts.programs.includes(n) ? STATS : '' }));
      return { openErr: 0, loadErr: 0, libbpfLog: '', unknownPrograms: [], programs };
    },
    async object__verifyPrograms(_b, _n, opts) {
      calls.push(`verify ${opts.programs.length ? opts.programs.join(',') : opts.allPrograms ? '(all)' : '(autoload)'} quick ${opts.quickLogLevel} full ${opts.logLevel}`);
      const selected = (n: string) => (opts.programs.length ? opts.programs.includes(n) : !!opts.allPrograms);
      const programs = names.map((n) => ({ ...info(n), selected: selected(n), logLevel: 5, globalSubprogs: null, ...verify[n]! }));
      return { available: true, openErr: 0, prepareErr: 0, libbpfLog: '', unknownPrograms: [], programs };
    },
  };
}

t.test('accepted and refused-with-a-log programs are settled by one prepared object; the rest go to plain loads', async (t) => {
  const calls: string[] = [];
  const addon = fakeAddon({
    ok: { err: 0, log: STATS },
    refused: { err: -13, log: '0: (b7) r0 = 0\nR1 invalid mem access \'scalar\'\n' },
    no_log: { err: -22, log: '' },                     // e.g. an attach target the kernel refused before verifying
    overflow: { err: -28, log: 'x'.repeat(10) },       // -ENOSPC: the log's, not the verdict
  }, calls);
  const rs = await loadObjectPrograms(addon, new Uint8Array(), { object: 'o.bpf.o' });
  t.same(calls, ['verify (all) quick 4 full 5', 'load no_log,overflow level 5'],
    'statistics only first, the whole log for refusals; what it cannot settle is loaded plainly');
  t.same(rs.map((r) => [r.program, r.verdict, r.errno]), [['ok', 'accept', 0], ['refused', 'reject', 13], ['no_log', 'accept', 0], ['overflow', 'accept', 0]]);
  t.equal(rs[1]!.message, "R1 invalid mem access 'scalar'");
  t.equal(rs[0]!.stats?.insnsProcessed, 3);
  t.ok(rs.every((r) => r.libbpf === 'libbpf 1.8.0 (fake)'));
});

t.test('log level 2 (every state) and an explicit object-load strategy never take the prepared path', async (t) => {
  for (const opts of [{ logLevel: 2 }, { strategy: 'object-load' as const }]) {
    const calls: string[] = [];
    await loadObjectPrograms(fakeAddon({ a: { err: 0, log: STATS } }, calls), new Uint8Array(), { object: 'o.bpf.o', ...opts });
    t.same(calls, ['load a level ' + (opts.logLevel === 2 ? 6 : 5)], JSON.stringify(opts));
  }
});

t.test('statsLogIsWholeLog: only a 7.x statistics log without global functions stands for the whole level-1 log', async (t) => {
  t.ok(statsLogIsWholeLog(STATS));
  // Recorded on 7.3.4 (programs/basics/calls.c global_call): its level-1 log adds "Func#1 ('global_mix') is safe ...".
  t.notOk(statsLogIsWholeLog('verification time 31 usec\nstack depth max 0\nsubprog 0 (global_call) main insns_self 5 insns_total 5 stack 0\n'
    + 'subprog 1 (global_mix) global insns_self 4 insns_total 4 stack 0\nprocessed 9 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n'));
  // 6.12's statistics have no subprogram lines: nothing tells whether global functions were verified.
  t.notOk(statsLogIsWholeLog('verification time 12 usec\nstack depth max 0\nprocessed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n'));
});

t.test('an accepted program with a global function is loaded again with the whole log', async (t) => {
  const calls: string[] = [];
  const withGlobal = STATS.replace('\nprocessed', '\nsubprog 1 (g) global insns_self 2 insns_total 2 stack 0\nprocessed');
  await loadObjectPrograms(fakeAddon({ a: { err: 0, log: STATS }, b: { err: 0, log: withGlobal } }, calls), new Uint8Array(), { object: 'o.bpf.o' });
  t.same(calls, ['verify (all) quick 4 full 5', 'load b level 5']);
});

t.test('without per-subprogram statistics (6.12), the relocated func_info decides: no global function, no second load', async (t) => {
  const calls: string[] = [];
  const stats612 = 'verification time 12 usec\nstack depth 0\nprocessed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n';
  await loadObjectPrograms(fakeAddon({
    plain: { err: 0, log: stats612, globalSubprogs: false },
    calls_global: { err: 0, log: stats612, globalSubprogs: true },
    no_func_info: { err: 0, log: stats612, globalSubprogs: null },
  }, calls), new Uint8Array(), { object: 'o.bpf.o' });
  t.same(calls, ['verify (all) quick 4 full 5', 'load calls_global,no_func_info level 5']);
});

t.test('the prepared path opens the object once: its outcome lists the programs; picked programs are passed on', async (t) => {
  const calls: string[] = [];
  const addon = fakeAddon({ a: { err: 0, log: STATS }, b: { err: 0, log: STATS } }, calls);
  let opens = 0;
  addon.object__openPrograms = (...args) => { opens++; return fakeAddon({ a: { err: 0, log: STATS } }, []).object__openPrograms(...args); };
  const rs = await loadObjectPrograms(addon, new Uint8Array(), { object: 'o.bpf.o', programs: ['b'] });
  t.equal(opens, 0, 'no separate open');
  t.same(calls, ['verify b quick 4 full 5']);
  t.same(rs.map((r) => r.program), ['b']);
  await t.rejects(loadObjectPrograms(addon, new Uint8Array(), { object: 'o.bpf.o', programs: ['nope'] }), { name: 'ObjectLoadError', available: ['a', 'b'] },
    'an unknown name is refused, naming the programs there are');
});
