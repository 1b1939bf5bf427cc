// SPDX-License-Identifier: GPL-2.0
/* Roots inside inner maps (an array of per-tenant arrays): each inner lookup is its own lock. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct job_ticket {
	__u32 id;
	struct bpf_list_node link;
};

struct tenant_q {
	struct bpf_spin_lock lock;
	struct bpf_list_head q __contains(job_ticket, link);
};

struct tenant_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct tenant_q);
	__uint(max_entries, 1);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, int);
	__uint(max_entries, 2);
	__array(values, struct tenant_inner);
} tenant_outer SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

static __always_inline struct tenant_q *tenant_queue(int tenant)
{
	int z = 0;
	void *inner = bpf_map_lookup_elem(&tenant_outer, &tenant);

	if (!inner)
		return NULL;
	return bpf_map_lookup_elem(inner, &z);
}

SEC("tc")
__description("inner maps: push a ticket onto a tenant's queue")
__success
int inner_push(struct __sk_buff *ctx)
{
	struct tenant_q *tq = tenant_queue(ctx->mark & 1);
	struct job_ticket *t;

	if (!tq)
		return 0;
	t = bpf_obj_new(struct job_ticket);
	if (!t)
		return 0;
	t->id = ctx->hash;
	bpf_spin_lock(&tq->lock);
	bpf_list_push_back(&tq->q, &t->link);
	bpf_spin_unlock(&tq->lock);
	return 0;
}

SEC("tc")
__description("inner maps: pop a ticket from a tenant's queue")
__success
int inner_pop(struct __sk_buff *ctx)
{
	struct tenant_q *tq = tenant_queue(0);
	struct bpf_list_node *n;

	if (!tq)
		return 0;
	bpf_spin_lock(&tq->lock);
	n = bpf_list_pop_front(&tq->q);
	bpf_spin_unlock(&tq->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct job_ticket, link));
	return 0;
}

SEC("tc")
__description("inner maps (bug): tenant 1's queue under tenant 0's lock")
__failure __msg("held lock and object are not in the same allocation")
int inner_cross_tenant(struct __sk_buff *ctx)
{
	struct tenant_q *a = tenant_queue(0), *b = tenant_queue(1);
	struct bpf_list_node *n;

	if (!a || !b)
		return 0;
	bpf_spin_lock(&a->lock);
	n = bpf_list_pop_front(&b->q);
	bpf_spin_unlock(&a->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct job_ticket, link));
	return 0;
}

BPF_VERDICT_LICENSE;
