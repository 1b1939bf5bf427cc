// SPDX-License-Identifier: GPL-2.0
/* R35/R36: constant pointer arithmetic on local objects is tracked; a variable offset can't reach
 * a kfunc, and release arguments must point at the object's start. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct two_node {
	__u64 key;
	struct bpf_list_node a;
	struct bpf_list_node b;
};

private(TWO) struct bpf_spin_lock two_lock;
private(TWO) struct bpf_list_head two_a __contains(two_node, a);
private(TWO) struct bpf_list_head two_b __contains(two_node, b);

SEC("tc")
__description("offsets: node reached by constant arithmetic from another node")
__success
int node_by_const_arith(struct __sk_buff *ctx)
{
	struct two_node *t = bpf_obj_new(struct two_node);
	struct bpf_list_node *pa;

	if (!t)
		return 0;
	pa = &t->a;
	bpf_spin_lock(&two_lock);
	/* b follows a: the same pointer plus sizeof(struct bpf_list_node) */
	bpf_list_push_back(&two_b, (struct bpf_list_node *)((void *)pa + sizeof(*pa)));
	bpf_spin_unlock(&two_lock);
	return 0;
}

SEC("tc")
__description("offsets: node chosen by a variable offset")
__failure __msg("variable ptr_ access var_off=")
int node_by_var_offset(struct __sk_buff *ctx)
{
	struct two_node *t = bpf_obj_new(struct two_node);
	__u64 off = ctx->hash & 0x18;

	if (!t)
		return 0;
	bpf_spin_lock(&two_lock);
	bpf_list_push_back(&two_a, (struct bpf_list_node *)((void *)&t->a + off));
	bpf_spin_unlock(&two_lock);
	return 0;
}

SEC("tc")
__description("offsets: drop through a pointer to the second node")
__failure __msg("R1 must have zero offset when passed to release func or trusted arg to kfunc")
int drop_by_node_pointer(struct __sk_buff *ctx)
{
	struct two_node *t = bpf_obj_new(struct two_node);

	if (!t)
		return 0;
	bpf_obj_drop(&t->b);
	return 0;
}

BPF_VERDICT_LICENSE;
