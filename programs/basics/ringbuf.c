// SPDX-License-Identifier: GPL-2.0
/* References held by the core: bpf_ringbuf_reserve acquires (its maybe-NULL result and the
 * reference take two ids), submit/discard release; leaks, double release, NULL checks. */
#include "basics.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct event { __u32 len; __u32 mark; };

SEC("tc")
__description("ringbuf: reserve, fill, submit")
__success
int reserve_submit(struct __sk_buff *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return 0;
	e->len = ctx->len;
	e->mark = ctx->mark;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tc")
__description("ringbuf: discard on one path, submit on the other")
__success
int reserve_discard(struct __sk_buff *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return 0;
	if (ctx->len > 100) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->len = ctx->len;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tc")
__description("ringbuf: the reserved record used before the NULL check")
__failure __msg("R0 invalid mem access 'ringbuf_mem_or_null'")
__naked int reserve_no_null_check(void)
{
	asm volatile ("r1 = %[rb] ll;"
		      "r2 = 8;"
		      "r3 = 0;"
		      "call %[reserve];"
		      "r1 = 0;"
		      "*(u32 *)(r0 +0) = r1;"
		      "r0 = 0;"
		      "exit;"
		      :: __imm_addr(rb), [reserve] "i"(BPF_FUNC_ringbuf_reserve) : __clobber_all);
}

SEC("tc")
__description("ringbuf: reserved record never submitted (the reference has id 2: the maybe-NULL id was 1)")
__failure __msg("Unreleased reference id=2 alloc_insn=4")
__naked int reserve_leak(void)
{
	asm volatile ("r1 = %[rb] ll;"
		      "r2 = 8;"
		      "r3 = 0;"
		      "call %[reserve];"
		      "if r0 == 0 goto l0_%=;"
		      "r1 = 0;"
		      "*(u32 *)(r0 +0) = r1;"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(rb), [reserve] "i"(BPF_FUNC_ringbuf_reserve) : __clobber_all);
}

SEC("tc")
__description("ringbuf: submitted twice")
__failure __msg("R1 type=scalar expected=ringbuf_mem")
__naked int submit_twice(void)
{
	asm volatile ("r1 = %[rb] ll;"
		      "r2 = 8;"
		      "r3 = 0;"
		      "call %[reserve];"
		      "if r0 == 0 goto l0_%=;"
		      "r6 = r0;"
		      "r1 = r0;"
		      "r2 = 0;"
		      "call %[submit];"
		      "r1 = r6;"
		      "r2 = 0;"
		      "call %[submit];"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(rb), [reserve] "i"(BPF_FUNC_ringbuf_reserve), [submit] "i"(BPF_FUNC_ringbuf_submit) : __clobber_all);
}

SEC("tc")
__description("ringbuf: reserve size not a constant")
__failure __msg("R2 is not a known constant'")
__kernel("7.3-") __msg("R2 is not a const")
__naked int reserve_var_size(void)
{
	asm volatile ("r2 = *(u32 *)(r1 +0);"
		      "r1 = %[rb] ll;"
		      "r3 = 0;"
		      "call %[reserve];"
		      "r0 = 0;"
		      "exit;"
		      :: __imm_addr(rb), [reserve] "i"(BPF_FUNC_ringbuf_reserve) : __clobber_all);
}

BPF_VERDICT_LICENSE;
