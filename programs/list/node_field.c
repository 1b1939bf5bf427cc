// SPDX-License-Identifier: GPL-2.0
/* R11-R13: the node argument is the very field named by the head's __contains, in that type. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct route_ent {
	__u32 dst;
	struct bpf_list_node by_age;
	struct bpf_list_node by_dst;
};

struct neigh_ent {
	__u32 ifindex;
	struct bpf_list_node link;
};

struct plain_ent {
	__u64 a, b, c;
};

private(RT) struct bpf_spin_lock rt_lock;
private(RT) struct bpf_list_head rt_by_dst __contains(route_ent, by_dst);

SEC("tc")
__description("node field: the field __contains names")
__success
int node_named_field(struct __sk_buff *ctx)
{
	struct route_ent *r = bpf_obj_new(struct route_ent);

	if (!r)
		return 0;
	r->dst = ctx->hash;
	bpf_spin_lock(&rt_lock);
	bpf_list_push_front(&rt_by_dst, &r->by_dst);
	bpf_spin_unlock(&rt_lock);
	return 0;
}

SEC("tc")
__description("node field: the other list node of the right type")
__failure __msg("arg#1 offset=8, but expected bpf_list_node at offset=32 in struct route_ent")
int node_other_field(struct __sk_buff *ctx)
{
	struct route_ent *r = bpf_obj_new(struct route_ent);

	if (!r)
		return 0;
	bpf_spin_lock(&rt_lock);
	bpf_list_push_front(&rt_by_dst, &r->by_age);
	bpf_spin_unlock(&rt_lock);
	return 0;
}

SEC("tc")
__description("node field: a node of another struct type")
__failure __msg("operation on bpf_list_head expects arg#1 bpf_list_node at offset=32 in struct route_ent, but arg is at offset=8 in struct neigh_ent")
int node_wrong_type(struct __sk_buff *ctx)
{
	struct neigh_ent *n = bpf_obj_new(struct neigh_ent);

	if (!n)
		return 0;
	bpf_spin_lock(&rt_lock);
	bpf_list_push_front(&rt_by_dst, &n->link);
	bpf_spin_unlock(&rt_lock);
	return 0;
}

SEC("tc")
__description("node field: a struct without any list node")
__failure __msg("bpf_list_node not found at offset=8")
int node_not_a_node(struct __sk_buff *ctx)
{
	struct plain_ent *p = bpf_obj_new(struct plain_ent);

	if (!p)
		return 0;
	bpf_spin_lock(&rt_lock);
	bpf_list_push_front(&rt_by_dst, (struct bpf_list_node *)&p->b);
	bpf_spin_unlock(&rt_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
