import t from 'tap';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { failedProgram, isLibbpfPoison, lastLibbpfError, lastMeaningfulLine, libbpfLinesFor, parseStats, readVerifierLog } from '../../src/shared/verifier-log.js';
import { classify as classifyLoad } from '../../harness/load.js';
import type { KernelVerdict } from '../../src/shared/verdict.js';

interface Rec { source: string; program: string; verdict: KernelVerdict; errno: number; log: string; expect: { message: string | null; reports?: string[] } }
/** A recorded classifier fixture (test/fixtures/classify/debian-*.json: real logs, labelled with their kernel). */
const recorded = (name: string) => {
  const f = JSON.parse(readFileSync(resolve(import.meta.dirname, `../../../test/fixtures/classify/${name}`), 'utf8')) as { kernel: string; results: Rec[] };
  const get = (program: string) => f.results.find((r) => r.program === program) ?? (() => { throw new Error(`${name} has no ${program}`); })();
  return { ...f, get };
};
const K73 = recorded('debian-7.3.4.json');
const K612 = recorded('debian-6.12.117.json');
const K61 = recorded('debian-6.1.json');

// Recorded from Debian 6.12.117 in QEMU (test/fixtures/harness/graph.bpf.c, push_without_lock, log level 5).
const REJECT = `func#0 @0
0: R1=ctx() R10=fp0
; struct foo *f = bpf_obj_new(struct foo); @ graph.bpf.c:34
0: (18) r1 = 0x5                      ; R1_w=5
2: (b7) r2 = 0                        ; R2_w=0
3: (85) call bpf_obj_new_impl#66034   ; R0_w=ptr_or_null_foo(id=2,ref_obj_id=2) refs=2
8: (85) call bpf_list_push_front_impl#66046
bpf_spin_lock at off=0 must be held for bpf_list_head
verification time 54 usec
stack depth 0
processed 9 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
`;

t.test('the last meaningful line skips the statistics trailer', async (t) => {
  t.equal(lastMeaningfulLine(REJECT), 'bpf_spin_lock at off=0 must be held for bpf_list_head');
  t.equal(lastMeaningfulLine('verification time 5 usec\nstack depth 0+8\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n'), null);
  t.equal(lastMeaningfulLine(''), null);
});

t.test('statistics come from print_verification_stats', async (t) => {
  t.same(parseStats(REJECT), { insnsProcessed: 9, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0, markRead: 0, verificationUs: 54, stackDepth: 0, subprogStack: [0] });
  t.same(parseStats('no figures here'), {});
});

t.test('every recorded log: the error line is the classic message, never a statistics or report line', async (t) => {
  for (const f of [K61, K612, K73]) {
    t.ok(f.results.length >= 20, `${f.kernel}: a real sample`);
    for (const r of f.results.filter((x) => x.verdict === 'reject')) {
      const v = readVerifierLog(r.log);
      // the recording reviewed a two-line message as one text; the reader's error line is its last line
      t.equal(v.errorLine, r.expect.message?.split('\n').at(-1) ?? null, `${f.kernel} ${r.source}:${r.program}`);
      t.notOk(v.lines.some((l) => /^(Verification failed:|Reason:|At:|Causal path:|Suggestion:|subprog \d+ \(|processed \d+ insns|stack depth)/.test(l) || l.startsWith('  ')),
        `${f.kernel} ${r.program}: no report or statistics line among the verifier's lines`);
      if (r.expect.reports) t.same(v.reports.map((x) => `${x.category}: ${x.problem ?? ''}`), r.expect.reports, `${r.program}: reports`);
    }
  }
});

t.test('7.3: a leak\'s error line comes after its reports', async (t) => {
  const r = K73.get('loop_leaks_all_but_last');
  const v = readVerifierLog(r.log);
  t.equal(v.errorLine, 'BPF_EXIT instruction in main prog would lead to reference leak');
  t.same(v.lines.slice(-3), ['Unreleased reference id=2 alloc_insn=5', 'Unreleased reference id=4 alloc_insn=15',
    'BPF_EXIT instruction in main prog would lead to reference leak'], 'one classic line per leaked reference, then the verdict');
  t.equal(v.reports.length, 2);
  t.ok(v.reports.every((x) => x.category === 'Resource Lifetime Safety' && x.problem === 'Unreleased resource'));
  t.match(v.reports[1]!.reason, /Owned resource \(id=4\) was acquired at instruction 15/);
});

t.test('7.3: the report\'s parts are kept as data', async (t) => {
  const [rep] = readVerifierLog(K73.get('leak_simple').log).reports;
  t.equal(rep!.category, 'Resource Lifetime Safety');
  t.equal(rep!.problem, 'Unreleased resource');
  t.equal(rep!.reason, 'Owned resource (id=2) was acquired at instruction 3 and still needs to be released before this\nexit path.');
  t.match(rep!.at, /^leak_simple @ leak\.c:42:1\nSource context:\n/);
  t.match(rep!.at, />>> 8 \| \(95\) exit$/, 'ends with the failing instruction');
  t.match(rep!.causalPath, /\^-- acquired: owned resource \(id=2\)/);
  t.match(rep!.causalPath, /\^-- branch: took the false branch of this conditional, goto not followed/);
  t.equal(rep!.activeLock, null);
  t.equal(rep!.suggestion, 'Release or transfer ownership of the acquired resource on every path before the program exits.');
  t.same(rep!.other, []);
  const [lock] = readVerifierLog(K73.get('unlock_other').log).reports;
  t.equal(lock!.problem, 'Unlock of a different lock');
  t.type(lock!.activeLock, 'string', 'bpf_diag_lock reports name the active lock');
});

t.test('7.3: a report without a problem, and sections this reader does not know', async (t) => {
  const v = readVerifierLog('0: (95) exit\nsomething failed\n\nVerification failed: Verifier Error\n\nReason:\n  why\n\nNew section:\n  text\n    deeper\n\nSuggestion:\n  do this\n\nprocessed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n');
  t.equal(v.errorLine, 'something failed');
  t.same(v.reports, [{ category: 'Verifier Error', problem: null, reason: 'why', at: null, causalPath: null, activeLock: null,
    suggestion: 'do this', other: [{ title: 'New section', text: 'text\n  deeper' }] }]);
});

t.test('statistics lines of every kernel line', async (t) => {
  t.same(parseStats(K73.get('global_call').log), {
    verificationUs: 14792, stackDepth: 0, insnsProcessed: 9, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0, markRead: 0,
    subprogs: [
      { index: 0, name: 'global_call', kind: 'main', insnsSelf: 5, insnsTotal: 5, stack: 0 },
      { index: 1, name: 'global_mix', kind: 'global', insnsSelf: 4, insnsTotal: 4, stack: 0 },
    ],
  }, '7.3: "stack depth max N" and one subprog line per subprog');
  const s612 = parseStats(K612.get('global_call').log);
  t.same(s612.subprogStack?.length, 2, '6.12: "stack depth A+B", one figure per subprog');
  t.equal(s612.subprogs, undefined);
  const s61 = parseStats(K61.get('global_call').log);
  t.ok(s61.insnsProcessed! > 0 && s61.verificationUs! >= 0, '6.1: processed and time');
  for (const f of [K61, K612, K73]) {
    for (const r of f.results) t.type(parseStats(r.log).insnsProcessed, 'number', `${f.kernel} ${r.program}: processed line read`);
  }
});

t.test('an accepted program has no error message, whatever its log ends with', async (t) => {
  for (const f of [K61, K612, K73]) {
    const r = f.get('global_call');
    // 6.12 and 7.x note the global function they verified; 6.1 does not
    if (f !== K61) t.match(readVerifierLog(r.log).errorLine, /^Func#1 \('global_mix'\) is safe for any args that match its prototype$/, `${f.kernel}: the log's last line`);
    const k = classifyLoad('calls.o', { name: r.program, section: 'tc', log: r.log } as never, 0, '');
    t.equal(k.verdict, 'accept');
    t.equal(k.message, null, `${f.kernel}: accepted, so no message`);
  }
  const leak = K73.get('leak_simple');
  const k = classifyLoad('leak.o', { name: leak.program, section: 'tc', log: leak.log } as never, 13, '');
  t.equal(k.message, 'BPF_EXIT instruction in main prog would lead to reference leak');
  t.equal(k.reports?.length, 1, 'the report travels with the kernel result');
  t.equal(k.stats?.subprogs?.[0]?.name, 'leak_simple');
});

t.test('libbpf poison calls are recognised', async (t) => {
  t.ok(isLibbpfPoison('5: (85) call unknown#195896080\ninvalid func unknown#195896080'));
  t.ok(isLibbpfPoison('invalid func unknown#2002000001'));
  t.notOk(isLibbpfPoison('invalid func unknown#12'));
});

// Recorded libbpf v1.1 messages for a batch where the second of four programs failed.
const LIBBPF = `libbpf: prog 'push_without_lock': BPF program load failed: Invalid argument
libbpf: prog 'push_without_lock': failed to load: -22
libbpf: failed to load object 'graph'
`;

t.test('the failing program of a batch is the one libbpf names', async (t) => {
  t.equal(failedProgram(LIBBPF, ['push_locked', 'push_without_lock', 'leak_at_exit']), 'push_without_lock');
  t.equal(failedProgram(LIBBPF, ['push_locked']), null, 'not among the candidates');
  t.equal(failedProgram("libbpf: failed to load object 'x'\n", ['a', 'b']), null, 'object-level failure names nobody');
});

t.test('libbpf lines for a program drop the other programs\' lines', async (t) => {
  t.equal(libbpfLinesFor(LIBBPF, 'push_locked', ['push_locked', 'push_without_lock']), "libbpf: failed to load object 'graph'");
  t.equal(lastLibbpfError("libbpf: extern (func ksym) 'bpf_x': not found in kernel or module BTFs\nlibbpf: failed to load object 'm'\n"),
    "extern (func ksym) 'bpf_x': not found in kernel or module BTFs");
});
