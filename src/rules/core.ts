// The core interpreter's rules: one entry per kernel message the model can produce outside the
// graph rules. What each line prints for a rule (its C format) is in that line's profile
// (src/profiles/linux-*/formats.ts); here are the parts every line shares.
import type { RuleInfo } from './types.js';

const r = <I extends string>(id: I, kernelFn: string, doc: string, errno?: number): RuleInfo<I> =>
  ({ id, kernelFn, doc, ...(errno ? { errno } : {}) });

export const CORE = {
  regNotInit: r('reg.not_init', 'check_reg_arg', 'read of a register never written on this path', 13),
  fpReadOnly: r('reg.fp_read_only', 'check_reg_arg', 'R10 written', 13),
  invalidMemAccess: r('mem.invalid_access_type', 'check_mem_access', 'load/store through a register that is not a usable pointer (scalar, ptr_or_null_, map_ptr...)', 13),
  stackInvalidRead: r('stack.invalid_read', 'check_stack_read_fixed_off', 'read of stack bytes never written', 13),
  stackInvalidOff: r('stack.invalid_off', 'check_stack_access_within_bounds', 'stack access outside [-512, 0)', 13),
  stackInvalidReadOff: r('stack.invalid_read_off', 'check_stack_access_within_bounds', 'stack read outside [-512, 0)', 13),
  spillCorrupt: r('stack.corrupt_spill', 'check_stack_write_fixed_off', 'partial overwrite of a spilled pointer', 13),
  fillSize: r('stack.invalid_fill_size', 'check_stack_read_fixed_off', 'partial read of a spilled pointer', 13),
  mapValueBounds: r('map.value_out_of_bounds', 'check_map_access_type/__check_mem_access', 'map value access outside [0, value_size)', 13),
  mapMinNegative: r('map.min_negative', 'check_mem_region_access', 'variable offset may be negative', 13),
  mapMinOutside: r('map.min_outside', 'check_mem_region_access', 'smallest offset outside the region', 13),
  mapMaxOutside: r('map.max_outside', 'check_mem_region_access', 'largest offset outside the region', 13),
  mapUnbounded: r('map.unbounded', 'check_mem_region_access', 'no upper bound on the variable offset', 13),
  ctxAccess: r('ctx.invalid_access', 'check_ctx_access', 'ctx field not readable/writable at that offset/size for this program type', 13),
  ctxModified: r('ctx.modified_ptr', '__check_ptr_off_reg', 'ctx pointer with non-zero fixed offset dereferenced', 13),
  ctxVarOff: r('ctx.variable_offset', '__check_ptr_off_reg', 'ctx pointer with variable offset dereferenced', 13),
  cannotWrite: r('mem.cannot_write', 'check_mem_access', 'store into read-only memory (map_ptr, rdonly map value...)', 13),
  ptrArithNull: r('alu.ptr_arith_or_null', 'adjust_ptr_min_max_vals', 'arithmetic on a maybe-NULL pointer', 13),
  ptrArith: r('alu.ptr_arith_prohibited', 'adjust_ptr_min_max_vals', 'arithmetic on a pointer type that does not allow it', 13),
  ptrArith32: r('alu.ptr_arith_32', 'adjust_ptr_min_max_vals', '32-bit ALU on a pointer', 13),
  ptrBitwise: r('alu.ptr_bitwise', 'adjust_ptr_min_max_vals', 'and/or/xor/shift... on a pointer', 13),
  ptrPtrArith: r('alu.ptr_ptr', 'adjust_ptr_min_max_vals', 'pointer op pointer other than sub', 13),
  ptrOpPtr: r('alu.ptr_op_ptr', 'adjust_reg_min_max_vals', 'pointer op pointer other than a 64-bit sub', 13),
  ptrArithUnknownOp: r('alu.ptr_prohibited', 'adjust_reg_min_max_vals', 'pointer on the right of scalar op', 13),
  mapValueArithRange: r('alu.map_value_range', 'adjust_ptr_min_max_vals', 'unpriv only', 13),
  mathBetweenUnbounded: r('alu.math_unbounded', 'check_reg_sane_offset', 'pointer plus unbounded scalar', 13),
  divByZero: r('alu.div_by_zero', 'check_alu_op', 'division by constant zero', 22),
  unreleasedRef: r('ref.unreleased', 'check_reference_leak', 'acquired reference not released at exit (6.13+: then "%s would lead to reference leak" naming the exit)', 22),
  tooLarge: r('limit.too_large', 'do_check', 'more than 1M instructions processed', 7),
  jmpSeq: r('limit.jmp_seq', 'push_stack', 'too many pending branches', 7),
  infiniteLoop: r('cfg.infinite_loop', 'is_state_visited', 'a state repeats exactly on a loop', 22),
  unreachable: r('cfg.unreachable', 'check_cfg', 'instruction not reachable from the entry', 22),
  jumpOutOfRange: r('cfg.jump_out_of_range', 'check_cfg / check_subprogs', 'jump target outside the function', 22),
  lastInsn: r('cfg.last_insn', 'check_subprogs', 'function falls off its end', 22),
  invalidFunc: r('call.invalid_func', 'check_helper_call', 'helper id unknown to the kernel', 22),
  helperNotAllowed: r('call.helper_not_allowed', 'check_helper_call', 'helper not in this program type\'s func_proto', 22),
  argType: r('call.arg_type', 'check_reg_type', 'helper argument of the wrong register type', 13),
  nullArg: r('call.null_arg', 'check_reg_type', 'maybe-NULL pointer passed where non-NULL required', 13),
  stackDepth: r('call.too_deep', 'setup_func_entry', 'more than 8 frames', 7),
  subprogRetNotScalar: r('ret.subprog_not_scalar', 'check_return_code', 'global subprog returns a pointer', 22),
  retNotKnown: r('ret.not_known', 'check_return_code', 'program return value is a pointer where a range is enforced', 22),
  retRange: r('ret.range', 'check_return_code / verbose_invalid_scalar', 'return value outside the enforced range', 22),
  cbRetNotScalar: r('ret.callback_not_scalar', 'prepare_func_exit', 'callback returns a pointer', 13),
  invalidLdImm: r('insn.invalid_ld_imm', 'check_ld_imm', 'malformed ld_imm64', 22),
  unknownOpcode: r('insn.unknown_opcode', 'do_check', 'opcode not in the ISA', 22),
  stackMisaligned: r('stack.misaligned', 'check_generic_ptr_alignment', 'stack access not aligned to its size (stack accesses are always strictly aligned)', 13),
  spillSize: r('stack.invalid_spill_size', 'check_stack_write_fixed_off', 'pointer spilled with a store narrower than 8 bytes', 13),
  indirectStack: r('stack.invalid_indirect_access', 'check_stack_access_within_bounds', 'helper memory argument outside the stack', 13),
  mapWriteRdonly: r('map.write_rdonly', 'check_map_access_type', 'store into a map the program may only read (.rodata: BPF_F_RDONLY_PROG)', 13),
  zeroSized: r('call.zero_sized_read', 'check_mem_size_reg', 'helper size argument may be zero', 13),
  sizeNegative: r('call.size_negative', 'check_mem_size_reg', 'helper size argument may be negative', 13),
  sizeUnbounded: r('call.size_unbounded', 'check_mem_size_reg', 'helper size argument has no upper bound', 13),
  kfuncNonGpl: r('licence.kfunc_non_gpl', 'add_kfunc_call', 'a kfunc call in a program whose licence is not GPL-compatible (license_is_gpl_compatible); checked before the walk, for the first kfunc call', 22),
  helperGplOnly: r('licence.helper_gpl_only', 'check_helper_call', 'a gpl_only helper (bpf_trace_printk...) called from a program whose licence is not GPL-compatible', 22),
  globalInvalidArgs: r('call.global_invalid_args', 'check_func_call / btf_check_func_arg_match', 'a global subprog argument does not match its BTF prototype (printed after "R%d is not a scalar", "arg#%d expects pointer to ctx"...)', 22),
  retStackPointer: r('ret.stack_pointer', 'prepare_func_exit', 'a subprog returns a pointer to its own stack', 22),
  notKnownConstant: r('call.not_known_constant', 'check_func_arg', 'ARG_CONST_ALLOC_SIZE_OR_ZERO argument is not a constant (the quote is in the kernel text)', 13),
  jumpIntoLdImm64: r('cfg.jump_into_ldimm64', 'check_cfg', 'a jump lands on the second half of ld_imm64', 22),
} as const;

export type CoreRuleId = (typeof CORE)[keyof typeof CORE]['id'];
export const coreRules: readonly RuleInfo<CoreRuleId>[] = Object.values(CORE);

