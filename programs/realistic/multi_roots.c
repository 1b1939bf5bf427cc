// SPDX-License-Identifier: GPL-2.0
/* Several lists and trees in one map value, all behind its single lock: per-priority FIFO lists,
 * a tree by deadline and a tree by size, with refcounted requests linked into more than one. */
#include "vmlinux.h"
#include "bpf_verdict.h"

#define NR_PRIO 3

struct io_request {
	__u64 deadline;
	__u32 size;
	__u32 prio;
	struct bpf_refcount ref;
	struct bpf_list_node fifo;
	struct bpf_rb_node by_deadline;
};

struct io_sizes {
	__u32 size;
	struct bpf_rb_node rb;
};

struct io_sched {
	struct bpf_spin_lock lock;
	__u32 queued;
	struct bpf_list_head fifo[NR_PRIO] __contains(io_request, fifo);
	struct bpf_rb_root deadlines __contains(io_request, by_deadline);
	struct bpf_rb_root sizes __contains(io_sizes, rb);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct io_sched);
	__uint(max_entries, 1);
} io_scheds SEC(".maps");

static bool deadline_before(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct io_request, by_deadline)->deadline <
	       container_of(b, struct io_request, by_deadline)->deadline;
}

static bool size_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct io_sizes, rb)->size <
	       container_of(b, struct io_sizes, rb)->size;
}

static __always_inline struct io_sched *sched(void)
{
	int z = 0;

	return bpf_map_lookup_elem(&io_scheds, &z);
}

/* constant indexes only: the verifier needs to know which head */
static __always_inline void push_fifo(struct io_sched *s, __u32 prio, struct io_request *r)
{
	if (prio == 0)
		bpf_list_push_back(&s->fifo[0], &r->fifo);
	else if (prio == 1)
		bpf_list_push_back(&s->fifo[1], &r->fifo);
	else
		bpf_list_push_back(&s->fifo[2], &r->fifo);
}

SEC("tc")
__description("multi roots: queue a request on its priority FIFO and the deadline tree")
__success
int io_queue(struct __sk_buff *ctx)
{
	struct io_sched *s = sched();
	struct io_request *r, *r2;
	struct io_sizes *sz;

	if (!s)
		return 0;
	r = bpf_obj_new(struct io_request);
	if (!r)
		return 0;
	sz = bpf_obj_new(struct io_sizes);
	if (!sz) {
		bpf_obj_drop(r);
		return 0;
	}
	r->deadline = bpf_ktime_get_ns() + 1000000;
	r->size = ctx->len;
	r->prio = ctx->priority % NR_PRIO;
	sz->size = ctx->len;
	r2 = bpf_refcount_acquire(r);
	bpf_spin_lock(&s->lock);
	push_fifo(s, r->prio, r);
	bpf_rbtree_add(&s->deadlines, &r2->by_deadline, deadline_before);
	bpf_rbtree_add(&s->sizes, &sz->rb, size_less);
	s->queued++;
	bpf_spin_unlock(&s->lock);
	return 0;
}

SEC("tc")
__description("multi roots: dispatch from the highest non-empty FIFO")
__success
int io_dispatch(struct __sk_buff *ctx)
{
	struct io_sched *s = sched();
	struct bpf_list_node *n;

	if (!s)
		return 0;
	bpf_spin_lock(&s->lock);
	n = bpf_list_pop_front(&s->fifo[0]);
	if (!n)
		n = bpf_list_pop_front(&s->fifo[1]);
	if (!n)
		n = bpf_list_pop_front(&s->fifo[2]);
	if (n)
		s->queued--;
	bpf_spin_unlock(&s->lock);
	if (!n)
		return 0;
	bpf_obj_drop(container_of(n, struct io_request, fifo));
	return 1;
}

SEC("tc")
__description("multi roots: expire the earliest deadline, and the smallest size record")
__success
int io_expire(struct __sk_buff *ctx)
{
	struct io_sched *s = sched();
	struct bpf_rb_node *d, *z = NULL;

	if (!s)
		return 0;
	bpf_spin_lock(&s->lock);
	d = bpf_rbtree_first(&s->deadlines);
	if (d)
		d = bpf_rbtree_remove(&s->deadlines, d);
	z = bpf_rbtree_first(&s->sizes);
	if (z)
		z = bpf_rbtree_remove(&s->sizes, z);
	bpf_spin_unlock(&s->lock);
	if (d)
		bpf_obj_drop(container_of(d, struct io_request, by_deadline));
	if (z)
		bpf_obj_drop(container_of(z, struct io_sizes, rb));
	return 0;
}

SEC("tc")
__description("multi roots (bug): a size record added to the deadline tree")
__failure __msg("operation on bpf_rb_root expects arg#1 bpf_rb_node at offset=48 in struct io_request, but arg is at offset=8 in struct io_sizes")
int io_wrong_tree(struct __sk_buff *ctx)
{
	struct io_sched *s = sched();
	struct io_sizes *sz;

	if (!s)
		return 0;
	sz = bpf_obj_new(struct io_sizes);
	if (!sz)
		return 0;
	bpf_spin_lock(&s->lock);
	bpf_rbtree_add(&s->deadlines, &sz->rb, size_less);
	bpf_spin_unlock(&s->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
