// SPDX-License-Identifier: GPL-2.0
/* ctx access per program type: which fields a program may read or write. */
#include "basics.h"

SEC("tc")
__description("ctx: tc writes skb->mark")
__success
int tc_write_mark(struct __sk_buff *ctx)
{
	ctx->mark = ctx->len;
	return 0;
}

SEC("tc")
__description("ctx: tc writes skb->len")
__failure __msg("invalid bpf_context access off=0 size=4")
__naked int tc_write_len(void)
{
	asm volatile ("r2 = 1;"
		      "*(u32 *)(r1 +0) = r2;"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("tc")
__description("ctx: tc reads past the end of __sk_buff")
__failure __msg("invalid bpf_context access off=256 size=4")
__naked int tc_read_past_end(void)
{
	asm volatile ("r0 = *(u32 *)(r1 +256);"
		      "exit;" ::: __clobber_all);
}

SEC("xdp")
__description("ctx: xdp reads ingress_ifindex and rx_queue_index")
__success
int xdp_read(struct xdp_md *ctx)
{
	return (ctx->ingress_ifindex + ctx->rx_queue_index) & 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
__description("ctx: xdp writes its ctx")
__failure __msg("invalid bpf_context access off=12 size=4")
__naked int xdp_write(void)
{
	asm volatile ("r2 = 1;"
		      "*(u32 *)(r1 +12) = r2;"
		      "r0 = 2;"
		      "exit;" ::: __clobber_all);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
__description("ctx: tracepoint reads a raw record field")
__success
__naked int tp_read(void)
{
	asm volatile ("r0 = *(u64 *)(r1 +8);"
		      "r0 = 0;"
		      "exit;" ::: __clobber_all);
}

SEC("syscall")
__description("ctx: syscall program calls helpers and returns")
__success
int syscall_prog(void *ctx)
{
	return bpf_ktime_get_ns() > 0 ? bpf_get_prandom_u32() & 1 : 0;
}

SEC("tc")
__description("ctx: bpf_printk with a .rodata format")
__success
int tc_printk(struct __sk_buff *ctx)
{
	bpf_printk("len %u", ctx->len);
	return 0;
}

BPF_VERDICT_LICENSE;
