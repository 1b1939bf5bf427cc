// SPDX-License-Identifier: GPL-2.0
/* Static helpers that expect their caller to hold the lock (the style of "__must_hold" kernel code):
 * fine when the caller holds it, rejected inside the helper when it doesn't. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct rq_ent {
	__u64 vruntime;
	struct bpf_rb_node rb;
};

struct runqueue {
	struct bpf_spin_lock lock;
	__u32 nr_running;
	struct bpf_rb_root tasks __contains(rq_ent, rb);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct runqueue);
	__uint(max_entries, 8);
} runqueues SEC(".maps");

static bool vruntime_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct rq_ent, rb)->vruntime <
	       container_of(b, struct rq_ent, rb)->vruntime;
}

/* caller holds rq->lock */
static __noinline void enqueue_locked(struct runqueue *rq, struct rq_ent *e)
{
	bpf_rbtree_add(&rq->tasks, &e->rb, vruntime_less);
	rq->nr_running++;
}

/* caller holds rq->lock; returns an owning reference or NULL */
static __noinline struct rq_ent *pick_next_locked(struct runqueue *rq)
{
	struct bpf_rb_node *n = bpf_rbtree_first(&rq->tasks);

	if (!n)
		return NULL;
	n = bpf_rbtree_remove(&rq->tasks, n);
	if (!n)
		return NULL;
	rq->nr_running--;
	return container_of(n, struct rq_ent, rb);
}

static __always_inline struct runqueue *rq_of(__u32 cpu)
{
	return bpf_map_lookup_elem(&runqueues, &cpu);
}

SEC("tc")
__description("locked helpers: enqueue with the runqueue lock held")
__success
int rq_enqueue(struct __sk_buff *ctx)
{
	struct runqueue *rq = rq_of(ctx->hash & 7);
	struct rq_ent *e;

	if (!rq)
		return 0;
	e = bpf_obj_new(struct rq_ent);
	if (!e)
		return 0;
	e->vruntime = bpf_ktime_get_ns();
	bpf_spin_lock(&rq->lock);
	enqueue_locked(rq, e);
	bpf_spin_unlock(&rq->lock);
	return 0;
}

SEC("tc")
__description("locked helpers: pick next and requeue it with more runtime")
__success
int rq_tick(struct __sk_buff *ctx)
{
	struct runqueue *rq = rq_of(0);
	struct rq_ent *e;

	if (!rq)
		return 0;
	bpf_spin_lock(&rq->lock);
	e = pick_next_locked(rq);
	if (e) {
		e->vruntime += 1000;
		enqueue_locked(rq, e);
	}
	bpf_spin_unlock(&rq->lock);
	return 0;
}

SEC("tc")
__description("locked helpers (bug): pick next without taking the lock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_rb_root")
int rq_pick_unlocked(struct __sk_buff *ctx)
{
	struct runqueue *rq = rq_of(0);
	struct rq_ent *e;

	if (!rq)
		return 0;
	e = pick_next_locked(rq);
	if (e)
		bpf_obj_drop(e);
	return 0;
}

SEC("tc")
__description("locked helpers (bug): enqueue onto another CPU's runqueue under this one's lock")
__failure __msg("held lock and object are not in the same allocation")
int rq_enqueue_wrong_rq(struct __sk_buff *ctx)
{
	struct runqueue *rq = rq_of(0), *other = rq_of(1);
	struct rq_ent *e;

	if (!rq || !other)
		return 0;
	e = bpf_obj_new(struct rq_ent);
	if (!e)
		return 0;
	bpf_spin_lock(&rq->lock);
	enqueue_locked(other, e);
	bpf_spin_unlock(&rq->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
