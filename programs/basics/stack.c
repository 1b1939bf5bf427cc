// SPDX-License-Identifier: GPL-2.0
/* Stack slots: spills and fills of pointers and scalars, reads of bytes never written (allowed
 * for a privileged loader), out-of-frame and partial accesses. */
#include "basics.h"

SEC("tc")
__description("stack: spill ctx pointer, fill it, read ctx->len")
__success
__naked int spill_fill_ctx(void)
{
	asm volatile ("*(u64 *)(r10 -8) = r1;"
		      "r2 = *(u64 *)(r10 -8);"
		      "r0 = *(u32 *)(r2 +0);"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: read of a never written slot is an unknown scalar when privileged")
__success
__naked int uninit_stack_read(void)
{
	asm volatile ("r0 = *(u64 *)(r10 -16);"
		      "r0 &= 1;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: write below the 512-byte frame")
__failure __msg("invalid write to stack R10 off=-520 size=8")
__naked int stack_write_oob(void)
{
	asm volatile ("r0 = 0;"
		      "*(u64 *)(r10 -520) = r0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: 4-byte fill of a spilled pointer")
__failure __msg("invalid size of register fill")
__naked int partial_fill_of_pointer(void)
{
	asm volatile ("*(u64 *)(r10 -8) = r1;"
		      "r0 = *(u32 *)(r10 -8);"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: spilled scalar keeps its value (a constant index stays in bounds)")
__success
__naked int spilled_constant(void)
{
	asm volatile ("r6 = 4;"
		      "*(u64 *)(r10 -8) = r6;"
		      "r7 = *(u64 *)(r10 -8);"
		      "r1 = r10;"
		      "r1 += -16;"
		      "r1 += r7;"
		      "r0 = *(u32 *)(r1 +0);"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: pointer spilled, slot overwritten by a scalar, then dereferenced")
__failure __msg("R2 invalid mem access 'scalar'")
__naked int spill_overwritten(void)
{
	asm volatile ("*(u64 *)(r10 -8) = r1;"
		      "r3 = 7;"
		      "*(u64 *)(r10 -8) = r3;"
		      "r2 = *(u64 *)(r10 -8);"
		      "r0 = *(u32 *)(r2 +0);"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("stack: misaligned 8-byte store")
__failure __msg("misaligned stack access off 0+-12+0 size 8")
__kernel("7.3-") __msg("misaligned stack access off -12+0 size 8")
__naked int stack_misaligned(void)
{
	asm volatile ("r0 = 0;"
		      "r1 = r10;"
		      "r1 += -12;"
		      "*(u64 *)(r1 +0) = r0;"
		      "exit;" ::: __clobber_all);
}

BPF_VERDICT_LICENSE;
