// What Linux 7.3 (7.3.4) prints for every rule: the exact C format of the verbose() call (without
// "\n"), with a %s the kernel fills with a fixed word written in. 7.3 names registers with
// reg_arg_name() ("%s" -> "R2") where 6.12 printed "R%d" or "arg#%d": findings pass register and
// argument numbers tagged (finding.ts regArg()/argReg()), so one model call renders either line.
// test/profiles/formats.test.ts checks each against the formats read from the tree.
import { NOT_ON_LINE, type LineFormats } from '../../rules/index.js';
import { FORMATS_612 } from '../linux-6.12/formats.js';

export const FORMATS_73 = {
  ...FORMATS_612,
  // check_insn_fields (7.x) prints only the imm; the model passes (off, imm) as 6.12 prints them
  'insn.invalid_may_goto': { format: 'invalid may_goto imm %d', args: [1] },
  // check_mem_access and the stack/map/ctx checks: reg_arg_name() for the register, s64 offsets
  'mem.invalid_access_type': "%s invalid mem access '%s'",
  'stack.invalid_off': 'invalid write to stack %s off=%lld size=%d',
  'stack.invalid_read_off': 'invalid read from stack %s off=%lld size=%d',
  // helper accesses to the stack are checked as the read or write they are (no "indirect" form)
  'stack.invalid_indirect_access': NOT_ON_LINE,
  // reg->off is gone (constant offsets live in var_off): one fixed offset, the insn's
  'stack.misaligned': { format: 'misaligned stack access off %s+%d size %d', args: [0, 2, 3] },
  'map.min_negative': '%s min value is negative, either use unsigned index or do a if (index >=0) check.',
  'map.min_outside': '%s min value is outside of the allowed memory range',
  'map.max_outside': '%s max value is outside of the allowed memory range',
  'map.unbounded': '%s unbounded memory access, make sure to bounds check any such access',
  'map.write_rdonly': 'write into map forbidden, value_size=%d off=%lld size=%d',
  'ctx.modified_ptr': 'dereference of modified ctx ptr %s off=%lld disallowed',
  'mem.cannot_write': '%s cannot write into %s',
  // helper arguments
  'call.arg_type': '%s type=%s expected=%s',
  'call.null_arg': 'Possibly NULL pointer passed to helper %s',
  'call.zero_sized_read': '%s invalid zero-sized read: u64=[%lld,%lld]',
  'call.size_negative': "%s min value is negative, either use unsigned or 'var &= const'",
  'call.size_unbounded': "%s unbounded memory access, use 'var &= const' or 'if (var < const)'",
  // process_const_alloc_mem_size (ringbuf_reserve's size)
  'call.not_known_constant': '%s is not a const',
  'ret.subprog_not_scalar': { format: 'At subprogram exit the register R0 is not a scalar value (%s)', args: [1] },
  // exits: check_resource_leak(prefix) prints one message for every resource held at an exit
  'ref.unreleased': 'Unreleased reference id=%d alloc_insn=%d\n%s would lead to reference leak',
  'graph.lock.missing_unlock': 'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region',
  'graph.rcu.missing_unlock': 'BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region',
  'graph.lock.var_off': "%s doesn't have constant offset. bpf_spin_lock has to be at the constant offset",
  // kfunc arguments
  'kfunc.arg.not_scalar': '%s is not a scalar',
  'kfunc.arg.not_const': '%s must be a known constant',
  'kfunc.arg.unrecognized': 'Unrecognized %s type %s',
  'kfunc.arg.maybe_null': 'Possibly NULL pointer passed to trusted %s',
  'kfunc.arg.not_trusted': '%s must be referenced or trusted',
  'kfunc.arg.not_rcu': '%s must be a rcu pointer',
  'kfunc.arg.release_off': '%s must have zero offset when passed to release func or trusted arg to kfunc',
  'kfunc.arg.negative_off': 'negative offset %s ptr %s off=%lld disallowed',
  'kfunc.arg.modified_ptr': 'dereference of modified %s ptr %s off=%lld disallowed',
  'kfunc.arg.callback': '%s expected pointer to func',
  'kfunc.release.no_ref': 'release kfunc %s expects referenced PTR_TO_BTF_ID passed to %s',
  'graph.drop.expected_obj_drop': '%s expected for bpf_obj_drop()',
  'graph.drop.expected_percpu_obj_drop': '%s expected for bpf_percpu_obj_drop()',
  'graph.arg.expected_alloc': '%s expected pointer to allocated object',
  'graph.drop.nmi_unsafe_tracing': '%s cannot be used in tracing programs on types with NMI unsafe fields',
  'graph.root.bad_reg': '%s expected pointer to map value or allocated object',
  'graph.arg.var_off': "%s doesn't have constant offset. %s has to be at the constant offset",
  'graph.rbtree_remove.not_non_owning': '%s can only take non-owning or refcounted bpf_rb_node pointer',
  'graph.rbtree_cb.remove': '%s not allowed in rbtree cb',
  'graph.refcount.not_alloc': '%s is neither owning or non-owning ref',
  // verifier_bug(): "verifier bug: " + the text (include/linux/bpf_verifier.h)
  'graph.refcount.no_record': "verifier bug: Couldn't find btf_record",
  'graph.kptr.type_match_internal': 'verifier bug: invalid PTR_TO_BTF_ID register for type match',
  'graph.refcount.no_field': "%s doesn't point to a type with bpf_refcount field",
  'graph.kptr.src_not_referenced': { format: 'release helper %s expects referenced PTR_TO_BTF_ID passed to %s', args: [1, 0] },
  // local-object accesses
  'graph.access.ptr_negative': '%s is ptr_%s invalid negative access: off=%d',
  'graph.access.ptr_var_off': '%s is ptr_%s invalid variable offset: off=%d, var_off=%s',
  'graph.access.percpu': '%s is ptr_%s access percpu memory: off=%d',
  // gone by 7.3: non-owning conversion cannot fail, rcu read locks nest (a counter), and a
  // release of a reference not held is an internal error of another form
  'graph.convert.failed': NOT_ON_LINE,
  'graph.release.not_acquired': NOT_ON_LINE,
  'graph.rcu.nested': NOT_ON_LINE,
} as const satisfies LineFormats;
