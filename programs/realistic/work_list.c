// SPDX-License-Identifier: GPL-2.0
/* A work list: items move pending -> active (same lock), then active -> done in another map value
 * (two locks, taken one after the other), then get reaped. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct work {
	__u64 id;
	__u32 attempts;
	__u32 status;
	struct bpf_list_node node;
};

struct work_queues {
	struct bpf_spin_lock lock;
	struct bpf_list_head pending __contains(work, node);
	struct bpf_list_head active __contains(work, node);
};

struct done_queue {
	struct bpf_spin_lock lock;
	__u64 completed;
	struct bpf_list_head done __contains(work, node);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct work_queues);
	__uint(max_entries, 1);
} wq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct done_queue);
	__uint(max_entries, 1);
} dq SEC(".maps");

static __always_inline struct work_queues *queues(void)
{
	int z = 0;

	return bpf_map_lookup_elem(&wq, &z);
}

static __always_inline struct done_queue *done_q(void)
{
	int z = 0;

	return bpf_map_lookup_elem(&dq, &z);
}

SEC("tc")
__description("work list: submit")
__success
int work_submit(struct __sk_buff *ctx)
{
	struct work_queues *q = queues();
	struct work *w;

	if (!q)
		return 0;
	w = bpf_obj_new(struct work);
	if (!w)
		return 0;
	w->id = ctx->hash;
	bpf_spin_lock(&q->lock);
	bpf_list_push_back(&q->pending, &w->node);
	bpf_spin_unlock(&q->lock);
	return 0;
}

SEC("tc")
__description("work list: start (pending -> active under one lock)")
__success
int work_start(struct __sk_buff *ctx)
{
	struct work_queues *q = queues();
	struct bpf_list_node *n;
	struct work *w;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_front(&q->pending);
	if (n) {
		w = container_of(n, struct work, node);
		w->attempts++;
		w->status = 1;
		bpf_list_push_back(&q->active, &w->node);
	}
	bpf_spin_unlock(&q->lock);
	return 0;
}

SEC("tc")
__description("work list: complete (active -> done, two locks in sequence)")
__success
int work_complete(struct __sk_buff *ctx)
{
	struct work_queues *q = queues();
	struct done_queue *d = done_q();
	struct bpf_list_node *n;
	struct work *w;

	if (!q || !d)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_front(&q->active);
	bpf_spin_unlock(&q->lock);
	if (!n)
		return 0;
	w = container_of(n, struct work, node);
	w->status = 2;
	bpf_spin_lock(&d->lock);
	bpf_list_push_back(&d->done, &w->node);
	d->completed++;
	bpf_spin_unlock(&d->lock);
	return 0;
}

SEC("tc")
__description("work list: reap completed items")
__success
int work_reap(struct __sk_buff *ctx)
{
	struct done_queue *d = done_q();
	int i, reaped = 0;

	if (!d)
		return 0;
	for (i = 0; i < 4; i++) {
		struct bpf_list_node *n;

		bpf_spin_lock(&d->lock);
		n = bpf_list_pop_front(&d->done);
		bpf_spin_unlock(&d->lock);
		if (!n)
			break;
		bpf_obj_drop(container_of(n, struct work, node));
		reaped++;
	}
	return reaped;
}

SEC("tc")
__description("work list (bug): retry puts the item back after unlocking")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_list_head")
int work_retry_unlocked(struct __sk_buff *ctx)
{
	struct work_queues *q = queues();
	struct bpf_list_node *n;

	if (!q)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_front(&q->active);
	bpf_spin_unlock(&q->lock);
	if (!n)
		return 0;
	bpf_list_push_front(&q->pending, n);
	return 0;
}

SEC("tc")
__description("work list (bug): done queue locked while the work queue lock is held")
__failure __msg("function calls are not allowed while holding a lock")
int work_complete_nested(struct __sk_buff *ctx)
{
	struct work_queues *q = queues();
	struct done_queue *d = done_q();
	struct bpf_list_node *n;

	if (!q || !d)
		return 0;
	bpf_spin_lock(&q->lock);
	n = bpf_list_pop_front(&q->active);
	if (n) {
		bpf_spin_lock(&d->lock);
		bpf_list_push_back(&d->done, n);
		bpf_spin_unlock(&d->lock);
	}
	bpf_spin_unlock(&q->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
