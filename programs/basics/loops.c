// SPDX-License-Identifier: GPL-2.0
/* Loops: bounded loops are walked iteration by iteration; a state that repeats exactly is an
 * infinite loop. */
#include "basics.h"

SEC("tc")
__description("loops: bounded loop over a constant trip count")
__success
int bounded_loop(struct __sk_buff *ctx)
{
	int i, sum = 0;

	for (i = 0; i < 16; i++) {
		sum += ctx->len;
		asm volatile ("" : "+r"(sum));
	}
	return sum & 1;
}

SEC("tc")
__description("loops: a jump to itself never changes the state")
__failure __msg("infinite loop detected at insn 1")
__naked int self_loop(void)
{
	asm volatile ("r0 = 0;"
		      "l0_%=: if r0 == 0 goto l0_%=;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("loops: loop bounded by a value read from ctx, checked against a constant")
__success
int ctx_bounded_loop(struct __sk_buff *ctx)
{
	__u32 n = ctx->mark;
	__u32 i, acc = 0;

	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++)
		acc += i;
	return acc & 1;
}

BPF_VERDICT_LICENSE;
