import t from 'tap';
import { failedProgram, isLibbpfPoison, lastLibbpfError, lastMeaningfulLine, libbpfLinesFor, parseStats } from '../../harness/verifier-log.js';

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
  t.same(parseStats(REJECT), { insnsProcessed: 9, totalStates: 0, peakStates: 0, verificationUs: 54 });
  t.same(parseStats('no figures here'), {});
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
