// SPDX-License-Identifier: GPL-2.0
/* The four list operations on a map-value root, each under the value's own lock. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct pkt_rec {
	__u32 len;
	__u32 mark;
	struct bpf_list_node link;
};

struct pkt_queue {
	struct bpf_spin_lock lock;
	struct bpf_list_head head __contains(pkt_rec, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct pkt_queue);
	__uint(max_entries, 1);
} pkt_queues SEC(".maps");

static struct pkt_queue *queue0(void)
{
	int zero = 0;

	return bpf_map_lookup_elem(&pkt_queues, &zero);
}

SEC("tc")
__description("list: push_front under the lock")
__success
int list_push_front(struct __sk_buff *ctx)
{
	struct pkt_queue *q = queue0();
	struct pkt_rec *r;

	if (!q)
		return 0;
	r = bpf_obj_new(struct pkt_rec);
	if (!r)
		return 0;
	r->len = ctx->len;
	bpf_spin_lock(&q->lock);
	bpf_list_push_front(&q->head, &r->link);
	bpf_spin_unlock(&q->lock);
	return 0;
}

SEC("tc")
__description("list: push_back under the lock")
__success
int list_push_back(struct __sk_buff *ctx)
{
	struct pkt_queue *q = queue0();
	struct pkt_rec *r;

	if (!q)
		return 0;
	r = bpf_obj_new(struct pkt_rec);
	if (!r)
		return 0;
	r->mark = ctx->mark;
	bpf_spin_lock(&q->lock);
	bpf_list_push_back(&q->head, &r->link);
	bpf_spin_unlock(&q->lock);
	return 0;
}

SEC("tc")
__description("list: pop_front, container_of, drop after unlock")
__success
int list_pop_front(struct __sk_buff *ctx)
{
	struct pkt_queue *q = queue0();
	struct bpf_list_node *n;
	struct pkt_rec *r;
	__u32 len;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_front(&q->head);
	bpf_spin_unlock(&q->lock);
	if (!n)
		return 0;
	r = container_of(n, struct pkt_rec, link);
	len = r->len;
	bpf_obj_drop(r);
	return len;
}

SEC("tc")
__description("list: pop_back and push it back to the front")
__success
int list_pop_back_requeue(struct __sk_buff *ctx)
{
	struct pkt_queue *q = queue0();
	struct bpf_list_node *n;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_back(&q->head);
	if (n)
		bpf_list_push_front(&q->head, n);
	bpf_spin_unlock(&q->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
