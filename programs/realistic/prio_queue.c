// SPDX-License-Identifier: GPL-2.0
/* A priority queue of work items on bpf_rbtree: insert, peek, pop-min, change priority, drain. */
#include "vmlinux.h"
#include "bpf_verdict.h"

#define PQ_DRAIN_BATCH 8

struct pq_item {
	__u64 prio;		/* smaller runs first */
	__u64 enqueued_ns;
	__u32 owner_pid;
	struct bpf_rb_node node;
};

struct pq {
	struct bpf_spin_lock lock;
	__u32 size;
	struct bpf_rb_root root __contains(pq_item, node);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct pq);
	__uint(max_entries, 4);	/* one queue per class */
} pq_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} pq_stats SEC(".maps");

#define node_to_item(n) container_of(n, struct pq_item, node)

static bool pq_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct pq_item *x = node_to_item(a), *y = node_to_item(b);

	if (x->prio != y->prio)
		return x->prio < y->prio;
	return x->enqueued_ns < y->enqueued_ns;	/* FIFO among equals */
}

static __always_inline struct pq *pq_of(__u32 class)
{
	return bpf_map_lookup_elem(&pq_map, &class);
}

static __always_inline void bump_stat(void)
{
	__u32 z = 0;
	__u64 *s = bpf_map_lookup_elem(&pq_stats, &z);

	if (s)
		__sync_fetch_and_add(s, 1);
}

SEC("tc")
__description("priority queue: insert")
__success
int pq_insert(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(ctx->priority & 3);
	struct pq_item *it;

	if (!q)
		return 0;
	it = bpf_obj_new(struct pq_item);
	if (!it)
		return 0;
	it->prio = ctx->hash & 0xff;
	it->enqueued_ns = bpf_ktime_get_ns();
	it->owner_pid = ctx->mark;
	bpf_spin_lock(&q->lock);
	bpf_rbtree_add(&q->root, &it->node, pq_less);
	q->size++;
	bpf_spin_unlock(&q->lock);
	bump_stat();
	return 0;
}

SEC("tc")
__description("priority queue: peek at the minimum")
__success
int pq_peek(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(0);
	struct bpf_rb_node *n;
	__u64 prio = ~0ULL;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_rbtree_first(&q->root);
	if (n)
		prio = node_to_item(n)->prio;
	bpf_spin_unlock(&q->lock);
	return prio < 16;
}

SEC("tc")
__description("priority queue: pop the minimum and free it")
__success
int pq_pop_min(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(0);
	struct bpf_rb_node *n;
	struct pq_item *it;
	__u32 pid;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_rbtree_first(&q->root);
	if (!n) {
		bpf_spin_unlock(&q->lock);
		return 0;
	}
	n = bpf_rbtree_remove(&q->root, n);
	if (n)
		q->size--;
	bpf_spin_unlock(&q->lock);
	if (!n)
		return 0;
	it = node_to_item(n);
	pid = it->owner_pid;
	bpf_obj_drop(it);
	return pid;
}

SEC("tc")
__description("priority queue: demote the minimum (remove, change key, re-add)")
__success
int pq_demote_min(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(1);
	struct bpf_rb_node *n;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_rbtree_first(&q->root);
	if (n) {
		n = bpf_rbtree_remove(&q->root, n);
		if (n) {
			node_to_item(n)->prio += 10;
			bpf_rbtree_add(&q->root, n, pq_less);
		}
	}
	bpf_spin_unlock(&q->lock);
	return 0;
}

SEC("tc")
__description("priority queue: drain a batch, one critical section per item")
__success
int pq_drain(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(2);
	int i, freed = 0;

	if (!q)
		return 0;
	for (i = 0; i < PQ_DRAIN_BATCH; i++) {
		struct bpf_rb_node *n;

		bpf_spin_lock(&q->lock);
		n = bpf_rbtree_first(&q->root);
		if (n)
			n = bpf_rbtree_remove(&q->root, n);
		bpf_spin_unlock(&q->lock);
		if (!n)
			break;
		bpf_obj_drop(node_to_item(n));
		freed++;
	}
	return freed;
}

SEC("tc")
__description("priority queue (bug): peeked item read after unlock")
__failure __msg("invalid mem access 'scalar'")
int pq_peek_after_unlock(struct __sk_buff *ctx)
{
	struct pq *q = pq_of(0);
	struct bpf_rb_node *n;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_rbtree_first(&q->root);
	bpf_spin_unlock(&q->lock);
	if (!n)
		return 0;
	return node_to_item(n)->owner_pid;
}

BPF_VERDICT_LICENSE;
