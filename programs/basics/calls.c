// SPDX-License-Identifier: GPL-2.0
/* bpf-to-bpf calls: static subprograms run in their own frame on the caller's path; global ones
 * are checked once against their BTF prototype and verified on their own after the main program. */
#include "basics.h"

static __noinline int add_len(struct __sk_buff *ctx, int x)
{
	return ctx->len + x;
}

SEC("tc")
__description("calls: static subprog reads the caller's ctx")
__success
int static_call(struct __sk_buff *ctx)
{
	return add_len(ctx, 3) & 1;
}

__noinline int global_mix(int a, int b)
{
	return (a * 3) ^ b;
}

SEC("tc")
__description("calls: global subprog with scalar arguments")
__success
int global_call(struct __sk_buff *ctx)
{
	return global_mix(ctx->mark, 7) & 1;
}

__noinline int global_bad(int a)
{
	int *p = (int *)(long)a;

	return *p;
}

SEC("tc")
__description("calls: global subprog verified on its own rejects a scalar dereference")
__failure __msg("R1 invalid mem access 'scalar'")
int global_call_bad(struct __sk_buff *ctx)
{
	return global_bad(ctx->mark);
}

static __noinline int write_through(int *p)
{
	*p = 1;
	return 0;
}

SEC("tc")
__description("calls: static subprog writes the caller's stack through a pointer")
__success
int static_stack_ptr(struct __sk_buff *ctx)
{
	int v = 0;

	write_through(&v);
	return v;
}

BPF_VERDICT_LICENSE;
