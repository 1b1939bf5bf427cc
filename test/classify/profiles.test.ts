// The classifier reads a log with the formats of the kernel's line. The logs below are RECORDED
// lines of real Debian 7.3.4 (7.3.4+deb13-amd64) verifier logs in QEMU (programs/ compiled with
// clang-19), as the log reader hands them over: the failure report 7.3 prints after an error and
// the statistics lines removed.
import t from 'tap';
import { classifyLog } from '../../src/classify/index.js';
import { getProfile } from '../../src/profiles/index.js';

const p73 = getProfile('7.3');
const p612 = getProfile('6.12');

const LOGS_73: { program: string; log: string; want: { rule: string; insn: number; message: string } }[] = [
  { program: 'alloc/leak.c leak_simple',
    log: '7: (b4) w0 = 0                        ; R0=0 refs=2\n8: (95) exit\nUnreleased reference id=2 alloc_insn=3\nBPF_EXIT instruction in main prog would lead to reference leak\n',
    want: { rule: 'ref.unreleased', insn: 8, message: 'BPF_EXIT instruction in main prog would lead to reference leak' } },
  { program: 'alloc/obj_drop.c drop_twice',
    log: '10: (b7) r2 = 0                       ; R2=0\n11: (85) call bpf_obj_drop_impl#71282\nrelease kfunc bpf_obj_drop_impl expects referenced PTR_TO_BTF_ID passed to R1\n',
    want: { rule: 'kfunc.release.no_ref', insn: 11, message: 'release kfunc bpf_obj_drop_impl expects referenced PTR_TO_BTF_ID passed to R1' } },
  { program: 'alloc/obj_new_null.c obj_new_drop_unchecked',
    log: '5: (b7) r2 = 0                        ; R2=0 refs=2\n6: (85) call bpf_obj_drop_impl#71282\nPossibly NULL pointer passed to trusted R1\n',
    want: { rule: 'kfunc.arg.maybe_null', insn: 6, message: 'Possibly NULL pointer passed to trusted R1' } },
  { program: 'refcount/acquire.c acquire_unrefcounted',
    log: '7: (b7) r2 = 0                        ; R2=0 refs=2\n8: (85) call bpf_refcount_acquire_impl#71549\nR1 doesn\'t point to a type with bpf_refcount field\n',
    want: { rule: 'graph.refcount.no_field', insn: 8, message: 'R1 doesn\'t point to a type with bpf_refcount field' } },
  { program: 'lock/exit_locked.c exit_locked_branch',
    log: '20: (95) exit\nBPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region\n',
    want: { rule: 'graph.lock.missing_unlock', insn: 20, message: 'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region' } },
  { program: 'nonown/misuse.c add_twice',
    log: '24: (b7) r5 = 0                       ; R5=0\n25: (85) call bpf_rbtree_add_impl#71531\nR2 expected pointer to allocated object\n',
    want: { rule: 'graph.arg.expected_alloc', insn: 25, message: 'R2 expected pointer to allocated object' } },
  { program: 'list/root_kind.c root_variable_index',
    log: '9: (85) call bpf_list_pop_front#71400\nR1 doesn\'t have constant offset. bpf_list_head has to be at the constant offset\n',
    want: { rule: 'graph.arg.var_off', insn: 9, message: 'R1 doesn\'t have constant offset. bpf_list_head has to be at the constant offset' } },
];

t.test('7.3 logs classify with 7.3\'s formats', async (t) => {
  for (const c of LOGS_73) t.same(classifyLog(c.log, p73), c.want, c.program);
});

t.test('the formats are the line\'s: 6.12 does not know 7.3\'s texts', async (t) => {
  t.equal(classifyLog(LOGS_73[0]!.log, p612).rule, null, 'no leak trailer on 6.12');
  t.equal(classifyLog(LOGS_73[5]!.log, p612).rule, null, '6.12 says arg#1');
  const log612 = '25: (85) call bpf_rbtree_add_impl#32888\narg#1 expected pointer to allocated object\n';
  t.equal(classifyLog(log612, p612).rule, 'graph.arg.expected_alloc');
  t.equal(classifyLog('0: (95) exit\nUnreleased reference id=2 alloc_insn=0\n', p612).rule, 'ref.unreleased');
});
