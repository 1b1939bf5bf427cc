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

__noinline int global_ctx(struct __sk_buff *skb)
{
	return skb->len & 1;
}

SEC("tc")
__description("calls: global subprog taking the program's ctx")
__success
int global_ctx_call(struct __sk_buff *ctx)
{
	return global_ctx(ctx);
}

__noinline int global_mem_unchecked(__u64 *p)
{
	return *p & 1;
}

SEC("tc")
__description("calls: global subprog dereferences its maybe-NULL memory argument")
__failure __msg("R1 invalid mem access 'mem_or_null'")
int global_mem_call(struct __sk_buff *ctx)
{
	__u64 v = ctx->len;

	return global_mem_unchecked(&v);
}

__noinline int global_mem_checked(__u64 *p)
{
	return p ? *p & 1 : 0;
}

SEC("tc")
__description("calls: global subprog checks its memory argument; caller passes stack memory")
__success
int global_mem_ok(struct __sk_buff *ctx)
{
	__u64 v = ctx->len;

	return global_mem_checked(&v);
}

SEC("tc")
__description("calls: a scalar where the global subprog expects the ctx")
__failure __msg("Caller passes invalid args into func#{{[0-9]+}} ('global_ctx')")
__naked int global_ctx_bad_arg(void)
{
	asm volatile ("r1 = 0;"
		      "call global_ctx;"
		      "exit;" ::: __clobber_all);
}

BPF_VERDICT_LICENSE;
