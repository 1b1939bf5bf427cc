// SPDX-License-Identifier: GPL-2.0
/* Registers: reads of never written registers, writes to the frame pointer, pointer arithmetic
 * rules, and R0 at exit. */
#include "basics.h"

SEC("tc")
__description("regs: exit without setting R0")
__failure __msg("R0 !read_ok")
__naked int exit_r0_uninit(void)
{
	asm volatile ("exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: read of a never written register")
__failure __msg("R2 !read_ok")
__naked int read_uninit_reg(void)
{
	asm volatile ("r0 = r2;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: write to R10")
__failure __msg("frame pointer is read only")
__naked int write_fp(void)
{
	asm volatile ("r10 = 0;"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: scalar dereference")
__failure __msg("R1 invalid mem access 'scalar'")
__naked int deref_scalar(void)
{
	asm volatile ("r1 = 42;"
		      "r0 = *(u64 *)(r1 +0);"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: bitwise op on a pointer")
__failure __msg("R1 bitwise operator &= on pointer prohibited")
__naked int ptr_and(void)
{
	asm volatile ("r1 &= 7;"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: 32-bit arithmetic on a pointer")
__failure __msg("R1 32-bit pointer arithmetic prohibited")
__naked int ptr_alu32(void)
{
	asm volatile ("w1 += 4;"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: modified ctx pointer dereferenced")
__failure __msg("dereference of modified ctx ptr R1 off=4 disallowed")
__naked int modified_ctx(void)
{
	asm volatile ("r1 += 4;"
		      "r0 = *(u32 *)(r1 +0);"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: division by constant zero")
__failure __msg("div by zero")
__naked int div_zero(void)
{
	asm volatile ("r0 = 5;"
		      "r0 /= 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("regs: returning a pointer is fine for a privileged tc program")
__success
__naked int return_pointer(void)
{
	asm volatile ("r0 = r1;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("cfg: an instruction no path reaches")
__failure __msg("unreachable insn 2")
__naked int unreachable_insn(void)
{
	asm volatile ("r0 = 0;"
		      "goto +1;"
		      "r0 = 1;"
		      "exit;" ::: __clobber_all);
}

BPF_VERDICT_LICENSE;
