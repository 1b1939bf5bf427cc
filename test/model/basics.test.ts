// The interpreter on programs/basics (compiled by clang-19 here): every program's model verdict
// agrees with its declared expectation (__success / __failure + __msg, whose texts were checked
// against Debian's 6.12.117 kernel, see test/e2e/model-basics.test.ts), and the rejections carry
// the exact rule id, instruction index and message.
import t from 'tap';
import { parseExpectation, matchMessages } from '../../src/expect/index.js';
import { modelObject } from '../../src/model/index.js';
import { BASICS_FILES, basicsObject } from './compile.js';

/** Exact findings for the hand-written (asm) rejections: the index is fixed by the asm. */
const EXACT: Record<string, { rule: string; insn: number; message: string }> = {
  stack_write_oob: { rule: 'stack.invalid_off', insn: 1, message: 'invalid write to stack R10 off=-520 size=8' },
  partial_fill_of_pointer: { rule: 'stack.invalid_fill_size', insn: 1, message: 'invalid size of register fill' },
  spill_overwritten: { rule: 'mem.invalid_access_type', insn: 4, message: "R2 invalid mem access 'scalar'" },
  stack_misaligned: { rule: 'stack.misaligned', insn: 3, message: 'misaligned stack access off 0+-12+0 size 8' },
  exit_r0_uninit: { rule: 'reg.not_init', insn: 0, message: 'R0 !read_ok' },
  read_uninit_reg: { rule: 'reg.not_init', insn: 0, message: 'R2 !read_ok' },
  write_fp: { rule: 'reg.fp_read_only', insn: 0, message: 'frame pointer is read only' },
  deref_scalar: { rule: 'mem.invalid_access_type', insn: 1, message: "R1 invalid mem access 'scalar'" },
  ptr_and: { rule: 'alu.ptr_bitwise', insn: 0, message: 'R1 bitwise operator &= on pointer prohibited' },
  ptr_alu32: { rule: 'alu.ptr_arith_32', insn: 0, message: 'R1 32-bit pointer arithmetic prohibited' },
  modified_ctx: { rule: 'ctx.modified_ptr', insn: 1, message: 'dereference of modified ctx ptr R1 off=4 disallowed' },
  div_zero: { rule: 'alu.div_by_zero', insn: 1, message: 'div by zero' },
  value_oob: { rule: 'map.min_outside', insn: 8, message: 'R0 min value is outside of the allowed memory range' },
  var_index_off_by_one: { rule: 'map.max_outside', insn: 11, message: 'R0 max value is outside of the allowed memory range' },
  var_index_unchecked: { rule: 'map.unbounded', insn: 10, message: 'R0 unbounded memory access, make sure to bounds check any such access' },
  map_arg_scalar: { rule: 'call.arg_type', insn: 3, message: 'R1 type=scalar expected=map_ptr' },
  unreachable_insn: { rule: 'cfg.unreachable', insn: 2, message: 'unreachable insn 2' },
  reserve_no_null_check: { rule: 'mem.invalid_access_type', insn: 6, message: "R0 invalid mem access 'ringbuf_mem_or_null'" },
  reserve_leak: { rule: 'ref.unreleased', insn: 9, message: 'Unreleased reference id=2 alloc_insn=4' },
  submit_twice: { rule: 'call.arg_type', insn: 12, message: 'R1 type=scalar expected=ringbuf_mem' },
  reserve_var_size: { rule: 'call.not_known_constant', insn: 4, message: "R2 is not a known constant'" },
  self_loop: { rule: 'cfg.infinite_loop', insn: 1, message: 'infinite loop detected at insn 1' },
  tc_write_len: { rule: 'ctx.invalid_access', insn: 1, message: 'invalid bpf_context access off=0 size=4' },
  tc_read_past_end: { rule: 'ctx.invalid_access', insn: 0, message: 'invalid bpf_context access off=256 size=4' },
  global_locked_value: { rule: 'call.global_invalid_args', insn: 8, message: "Caller passes invalid args into func#1 ('read_len')" },
  global_ptr_as_scalar: { rule: 'call.global_invalid_args', insn: 0, message: "Caller passes invalid args into func#1 ('take_scalar')" },
  inner_two_locks: { rule: 'graph.lock.unlock_different', insn: 24, message: 'bpf_spin_unlock of different lock' },
  gpl_helper: { rule: 'licence.helper_gpl_only', insn: 5, message: 'cannot call GPL-restricted function from non-GPL compatible program' },
  kfunc_non_gpl: { rule: 'licence.kfunc_non_gpl', insn: 3, message: 'cannot call kernel function from non-GPL compatible program' },
  bound_from_rodata: { rule: 'map.max_outside', insn: 15, message: 'R0 max value is outside of the allowed memory range' },
  xdp_write: { rule: 'ctx.invalid_access', insn: 1, message: 'invalid bpf_context access off=12 size=4' },
};

for (const file of BASICS_FILES) {
  t.test(`programs/basics/${file}.c`, async (t) => {
    const obj = await basicsObject(file);
    t.ok(obj.programs.length > 0, 'has programs');
    for (const r of modelObject(obj)) {
      const prog = obj.programs.find((p) => p.name === r.program)!;
      const e = parseExpectation(prog.declTags);
      t.test(r.program, async (t) => {
        if (e.modelDiffers) {
          // declared: the model does not model this construct; it must say so, not guess
          t.equal(r.verdict, 'unsupported', `unsupported (${e.modelDiffers})`);
          t.match(r.message, /^unsupported: /);
          return;
        }
        if (e.result === 'success') {
          t.equal(r.verdict, 'accept', `accepted (${r.message ?? ''})`);
          t.equal(r.rule, null);
          t.equal(r.insn, null);
          return;
        }
        t.equal(e.result, 'failure', 'declares __success or __failure');
        t.equal(r.verdict, 'reject', 'rejected');
        t.ok(e.messages.length > 0, 'declares the message');
        t.equal(r.messageLines?.at(-1), r.message, 'the message is the last of the lines');
        const m = matchMessages((r.messageLines ?? []).join('\n'), e.messages);
        t.ok(m.ok, `lines ${JSON.stringify(r.messageLines)} match ${e.messages.map((p) => p.text).join(' | ')}`);
        t.type(r.insn, 'number');
        // rejections found while walking carry the state; control-flow checks happen before any state exists
        const beforeWalk = ['cfg.unreachable', 'cfg.jump_out_of_range', 'cfg.last_insn', 'licence.kfunc_non_gpl'].includes(r.rule!);
        if (beforeWalk) t.equal(r.stateAt, null, 'no state before the walk');
        else t.not(r.stateAt, null, 'state at the rejected insn');
        const exact = EXACT[r.program];
        if (exact) t.same({ rule: r.rule, insn: r.insn, message: r.message }, exact, 'exact rule/insn/message');
      });
    }
  });
}

t.test('every EXACT entry names a real program', async (t) => {
  const names = new Set<string>();
  for (const f of BASICS_FILES) for (const p of (await basicsObject(f)).programs) names.add(p.name);
  for (const k of Object.keys(EXACT)) t.ok(names.has(k), k);
});

t.test('profiles: 7.3 (bpf-next) ends a leak naming the exit (check_resource_leak), 6.12 does not', async (t) => {
  const obj = await basicsObject('ringbuf');
  const [a] = modelObject(obj, { program: 'reserve_leak' });
  const [b] = modelObject(obj, { program: 'reserve_leak', profile: 'bpf-next' });
  t.same(a!.messageLines, ['Unreleased reference id=2 alloc_insn=4']);
  t.same(b!.messageLines, ['Unreleased reference id=2 alloc_insn=4', 'BPF_EXIT instruction in main prog would lead to reference leak']);
  t.equal(b!.rule, a!.rule, 'same rule id across profiles');
});

t.test('profiles: one finding renders each line\'s text (6.12 "R%d", 7.3 reg_arg_name "%s"); 6.1 has no kfunc table', async (t) => {
  const regs = await basicsObject('regs');
  for (const profile of ['6.12', '7.3']) {
    const [r] = modelObject(regs, { program: 'deref_scalar', profile });
    t.same([r!.rule, r!.message], ['mem.invalid_access_type', "R1 invalid mem access 'scalar'"], profile);
  }
  const [old] = modelObject(await basicsObject('ringbuf'), { program: 'reserve_leak', profile: '6.1' });
  t.equal(old!.verdict, 'reject', 'helpers and the core rules are the same on 6.1');
});
