// SPDX-License-Identifier: GPL-2.0
/* Program types: the graph kfuncs are for tc, xdp, cgroup_skb, tracing (fentry...), struct_ops and
 * syscall programs; kprobes, tracepoints and perf events can't even reference a map with a graph
 * root. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ptask {
	__u32 v;
	struct bpf_list_node link;
};

private(PT) struct bpf_spin_lock pt_lock;
private(PT) struct bpf_list_head pt_list __contains(ptask, link);

static __always_inline int push_one(__u32 v)
{
	struct ptask *t = bpf_obj_new(struct ptask);

	if (!t)
		return 0;
	t->v = v;
	bpf_spin_lock(&pt_lock);
	bpf_list_push_back(&pt_list, &t->link);
	bpf_spin_unlock(&pt_lock);
	return 0;
}

SEC("xdp")
__description("prog types: xdp pushes onto a global list")
__success
int xdp_push(struct xdp_md *ctx)
{
	push_one(ctx->ingress_ifindex);
	return XDP_PASS;
}

SEC("cgroup_skb/ingress")
__description("prog types: cgroup_skb pushes onto a global list")
__success
int cgskb_push(struct __sk_buff *skb)
{
	push_one(skb->len);
	return 1;
}

SEC("kprobe/do_nanosleep")
__description("prog types: kprobe referencing a section with a list head")
__failure __msg("tracing progs cannot use bpf_{list_head,rb_root} yet")
int kprobe_push(struct pt_regs *regs)
{
	push_one(1);
	return 0;
}

SEC("socket")
__description("prog types: socket filter calling bpf_obj_new")
__failure __msg("calling kernel function bpf_obj_new_impl is not allowed")
int socket_alloc(struct __sk_buff *skb)
{
	struct ptask *t = bpf_obj_new(struct ptask);

	if (t)
		bpf_obj_drop(t);
	return 0;
}

BPF_VERDICT_LICENSE;
