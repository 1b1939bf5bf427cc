// The core interpreter's rules: one entry per kernel message the model can produce outside the
// graph rules. `format` is the exact 6.12 C format (without "\n"); kernelFn the mirrored function.
import type { RuleSpec } from './types.js';

const r = (id: string, format: string, kernelFn: string, doc: string, errno?: number): RuleSpec =>
  ({ id, format, kernelFn, doc, ...(errno ? { errno } : {}) });

export const CORE = {
  regNotInit: r('reg.not_init', 'R%d !read_ok', 'check_reg_arg', 'read of a register never written on this path', 13),
  fpReadOnly: r('reg.fp_read_only', 'frame pointer is read only', 'check_reg_arg', 'R10 written', 13),
  invalidMemAccess: r('mem.invalid_access_type', "R%d invalid mem access '%s'", 'check_mem_access', 'load/store through a register that is not a usable pointer (scalar, ptr_or_null_, map_ptr...)', 13),
  stackInvalidRead: r('stack.invalid_read', 'invalid read from stack off %d+%d size %d', 'check_stack_read_fixed_off', 'read of stack bytes never written', 13),
  stackInvalidOff: r('stack.invalid_off', 'invalid write to stack R%d off=%d size=%d', 'check_stack_access_within_bounds', 'stack access outside [-512, 0)', 13),
  stackInvalidReadOff: r('stack.invalid_read_off', 'invalid read from stack R%d off=%d size=%d', 'check_stack_access_within_bounds', 'stack read outside [-512, 0)', 13),
  spillCorrupt: r('stack.corrupt_spill', 'attempt to corrupt spilled pointer on stack', 'check_stack_write_fixed_off', 'partial overwrite of a spilled pointer', 13),
  fillSize: r('stack.invalid_fill_size', 'invalid size of register fill', 'check_stack_read_fixed_off', 'partial read of a spilled pointer', 13),
  mapValueBounds: r('map.value_out_of_bounds', 'invalid access to map value, value_size=%d off=%d size=%d', 'check_map_access_type/__check_mem_access', 'map value access outside [0, value_size)', 13),
  mapMinNegative: r('map.min_negative', 'R%d min value is negative, either use unsigned index or do a if (index >=0) check.', 'check_mem_region_access', 'variable offset may be negative', 13),
  mapMinOutside: r('map.min_outside', 'R%d min value is outside of the allowed memory range', 'check_mem_region_access', 'smallest offset outside the region', 13),
  mapMaxOutside: r('map.max_outside', 'R%d max value is outside of the allowed memory range', 'check_mem_region_access', 'largest offset outside the region', 13),
  mapUnbounded: r('map.unbounded', 'R%d unbounded memory access, make sure to bounds check any such access', 'check_mem_region_access', 'no upper bound on the variable offset', 13),
  ctxAccess: r('ctx.invalid_access', 'invalid bpf_context access off=%d size=%d', 'check_ctx_access', 'ctx field not readable/writable at that offset/size for this program type', 13),
  ctxModified: r('ctx.modified_ptr', 'dereference of modified ctx ptr R%d off=%d disallowed', '__check_ptr_off_reg', 'ctx pointer with non-zero fixed offset dereferenced', 13),
  ctxVarOff: r('ctx.variable_offset', "variable ctx access var_off=%s disallowed", '__check_ptr_off_reg', 'ctx pointer with variable offset dereferenced', 13),
  cannotWrite: r('mem.cannot_write', 'R%d cannot write into %s', 'check_mem_access', 'store into read-only memory (map_ptr, rdonly map value...)', 13),
  ptrArithNull: r('alu.ptr_arith_or_null', 'R%d pointer arithmetic on %s prohibited, null-check it first', 'adjust_ptr_min_max_vals', 'arithmetic on a maybe-NULL pointer', 13),
  ptrArith: r('alu.ptr_arith_prohibited', 'R%d pointer arithmetic on %s prohibited', 'adjust_ptr_min_max_vals', 'arithmetic on a pointer type that does not allow it', 13),
  ptrArith32: r('alu.ptr_arith_32', 'R%d 32-bit pointer arithmetic prohibited', 'adjust_ptr_min_max_vals', '32-bit ALU on a pointer', 13),
  ptrBitwise: r('alu.ptr_bitwise', 'R%d bitwise operator %s on pointer prohibited', 'adjust_ptr_min_max_vals', 'and/or/xor/shift... on a pointer', 13),
  ptrPtrArith: r('alu.ptr_ptr', 'R%d pointer arithmetic with %s operator prohibited', 'adjust_ptr_min_max_vals', 'pointer op pointer other than sub', 13),
  ptrArithUnknownOp: r('alu.ptr_prohibited', 'R%d pointer arithmetic prohibited', 'adjust_reg_min_max_vals', 'pointer on the right of scalar op', 13),
  mapValueArithRange: r('alu.map_value_range', 'R%d pointer arithmetic of map value goes out of range, prohibited for !root', 'adjust_ptr_min_max_vals', 'unpriv only', 13),
  mathBetweenUnbounded: r('alu.math_unbounded', 'math between %s pointer and register with unbounded min value is not allowed', 'check_reg_sane_offset', 'pointer plus unbounded scalar', 13),
  divByZero: r('alu.div_by_zero', 'div by zero', 'check_alu_op', 'division by constant zero', 22),
  unreleasedRef: r('ref.unreleased', 'Unreleased reference id=%d alloc_insn=%d', 'check_reference_leak', 'acquired reference not released at exit', 22),
  tooLarge: r('limit.too_large', 'BPF program is too large. Processed %d insn', 'do_check', 'more than 1M instructions processed', 7),
  jmpSeq: r('limit.jmp_seq', 'The sequence of %d jumps is too complex.', 'push_stack', 'too many pending branches', 7),
  infiniteLoop: r('cfg.infinite_loop', 'infinite loop detected at insn %d', 'is_state_visited', 'a state repeats exactly on a loop', 22),
  unreachable: r('cfg.unreachable', 'unreachable insn %d', 'check_cfg', 'instruction not reachable from the entry', 22),
  jumpOutOfRange: r('cfg.jump_out_of_range', 'jump out of range from insn %d to %d', 'check_cfg / check_subprogs', 'jump target outside the function', 22),
  lastInsn: r('cfg.last_insn', 'last insn is not an exit or jmp', 'check_subprogs', 'function falls off its end', 22),
  invalidFunc: r('call.invalid_func', 'invalid func %s#%d', 'check_helper_call', 'helper id unknown to the kernel', 22),
  helperNotAllowed: r('call.helper_not_allowed', 'program of this type cannot use helper %s#%d', 'check_helper_call', 'helper not in this program type\'s func_proto', 22),
  argType: r('call.arg_type', 'R%d type=%s expected=%s', 'check_reg_type', 'helper argument of the wrong register type', 13),
  nullArg: r('call.null_arg', 'Possibly NULL pointer passed to helper arg%d', 'check_reg_type', 'maybe-NULL pointer passed where non-NULL required', 13),
  stackDepth: r('call.too_deep', 'the call stack of %d frames is too deep !', 'setup_func_entry', 'more than 8 frames', 7),
  subprogRetNotScalar: r('ret.subprog_not_scalar', 'At subprogram exit the register R%d is not a scalar value (%s)', 'check_return_code', 'global subprog returns a pointer', 22),
  retNotKnown: r('ret.not_known', '%s the register R%d is not a known value (%s)', 'check_return_code', 'program return value is a pointer where a range is enforced', 22),
  retRange: r('ret.range', '%s the register %s has%s should have been in [%d, %d]', 'check_return_code / verbose_invalid_scalar', 'return value outside the enforced range', 22),
  cbRetNotScalar: r('ret.callback_not_scalar', 'R%d not a scalar value', 'prepare_func_exit', 'callback returns a pointer', 13),
  invalidLdImm: r('insn.invalid_ld_imm', 'invalid BPF_LD_IMM insn', 'check_ld_imm', 'malformed ld_imm64', 22),
  unknownOpcode: r('insn.unknown_opcode', 'unknown opcode %02x', 'do_check', 'opcode not in the ISA', 22),
  stackMisaligned: r('stack.misaligned', 'misaligned stack access off %s+%d+%d size %d', 'check_generic_ptr_alignment', 'stack access not aligned to its size (stack accesses are always strictly aligned)', 13),
  spillSize: r('stack.invalid_spill_size', 'invalid size of register spill', 'check_stack_write_fixed_off', 'pointer spilled with a store narrower than 8 bytes', 13),
  indirectStack: r('stack.invalid_indirect_access', 'invalid indirect access to stack R%d off=%d size=%d', 'check_stack_access_within_bounds', 'helper memory argument outside the stack', 13),
  mapWriteRdonly: r('map.write_rdonly', 'write into map forbidden, value_size=%d off=%d size=%d', 'check_map_access_type', 'store into a map the program may only read (.rodata: BPF_F_RDONLY_PROG)', 13),
  zeroSized: r('call.zero_sized_read', 'R%d invalid zero-sized read: u64=[%lld,%lld]', 'check_mem_size_reg', 'helper size argument may be zero', 13),
  sizeNegative: r('call.size_negative', "R%d min value is negative, either use unsigned or 'var &= const'", 'check_mem_size_reg', 'helper size argument may be negative', 13),
  sizeUnbounded: r('call.size_unbounded', "R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", 'check_mem_size_reg', 'helper size argument has no upper bound', 13),
  kfuncNonGpl: r('licence.kfunc_non_gpl', 'cannot call kernel function from non-GPL compatible program', 'add_kfunc_call', 'a kfunc call in a program whose licence is not GPL-compatible (license_is_gpl_compatible); checked before the walk, for the first kfunc call', 22),
  helperGplOnly: r('licence.helper_gpl_only', 'cannot call GPL-restricted function from non-GPL compatible program', 'check_helper_call', 'a gpl_only helper (bpf_trace_printk...) called from a program whose licence is not GPL-compatible', 22),
  globalInvalidArgs: r('call.global_invalid_args', "Caller passes invalid args into func#%d ('%s')", 'check_func_call / btf_check_func_arg_match', 'a global subprog argument does not match its BTF prototype (printed after "R%d is not a scalar", "arg#%d expects pointer to ctx"...)', 22),
  retStackPointer: r('ret.stack_pointer', 'cannot return stack pointer to the caller', 'prepare_func_exit', 'a subprog returns a pointer to its own stack', 22),
  notKnownConstant: r('call.not_known_constant', "R%d is not a known constant'", 'check_func_arg', 'ARG_CONST_ALLOC_SIZE_OR_ZERO argument is not a constant (the quote is in the kernel text)', 13),
  insnPtrMismatch: r('insn.ptr_type_mismatch', 'same insn cannot be used with different pointers', 'save_aux_ptr_type', 'one load/store reached with two pointer types of which one is ctx, a socket or PTR_TO_BTF_ID (flags count: owning vs non-owning); loads of two PTR_TO_BTF_IDs fall back to untrusted instead', 22),
  reservedFields: r('insn.reserved_fields', '%s uses reserved fields', 'do_check / check_alu_op / check_cond_jmp_op', 'an instruction with a non-zero unused field (src/off/imm/dst as the class defines), refused when a path reaches it', 22),
  atomicOpcode: r('insn.atomic_opcode', 'BPF_ATOMIC uses invalid atomic opcode %02x', 'check_atomic', 'a BPF_ATOMIC instruction whose imm is no atomic operation', 22),
  coreReloFailed: r('core.relo_unresolved', 'failed to resolve CO-RE relocation %s', 'libbpf fixup_log_failed_core_relo (tools/lib/bpf/libbpf.c)', 'a path reaches an instruction libbpf poisoned because its CO-RE relocation has no target (field missing, signed field of another width); the kernel says "invalid func unknown#195896080" and libbpf rewrites that line', 22),
  jumpIntoLdImm64: r('cfg.jump_into_ldimm64', 'jump into the middle of ldimm64 insn %d', 'check_cfg', 'a jump lands on the second half of ld_imm64', 22),
} satisfies Record<string, RuleSpec>;

export const coreRules: RuleSpec[] = Object.values(CORE);

/**
 * Messages the core shares with the graph table (one kernel format = one rule id, so the log
 * classifier stays unambiguous): the core reports these graph ids for helper releases.
 */
export const SHARED = {
  releaseNonZeroOff: 'kfunc.arg.release_off',          // "R%d must have zero offset when passed to release func or trusted arg to kfunc"
  releaseNotReferenced: 'graph.kptr.src_not_referenced', // "R%d must be referenced when passed to release function"
} as const;
