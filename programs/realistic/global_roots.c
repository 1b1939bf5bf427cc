// SPDX-License-Identifier: GPL-2.0
/* Global-data roots: each private(...) section is its own map, so a lock protects exactly the roots
 * declared in the same section. Two sections here: an allocation log (list) and a histogram tree. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct alloc_rec {
	__u64 size;
	__u64 ts;
	struct bpf_list_node link;
};

struct hist_bucket {
	__u32 order;
	__u32 count;
	struct bpf_rb_node rb;
};

private(ALOG) struct bpf_spin_lock alog_lock;
private(ALOG) struct bpf_list_head alog __contains(alloc_rec, link);
private(ALOG) __u32 alog_len;

private(HIST) struct bpf_spin_lock hist_lock;
private(HIST) struct bpf_rb_root hist __contains(hist_bucket, rb);

static bool order_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct hist_bucket, rb)->order <
	       container_of(b, struct hist_bucket, rb)->order;
}

SEC("tc")
__description("global roots: log an allocation, trim the log to 64 entries")
__success
int alog_record(struct __sk_buff *ctx)
{
	struct alloc_rec *r = bpf_obj_new(struct alloc_rec);
	struct bpf_list_node *old = NULL;

	if (!r)
		return 0;
	r->size = ctx->len;
	r->ts = bpf_ktime_get_ns();
	bpf_spin_lock(&alog_lock);
	bpf_list_push_back(&alog, &r->link);
	if (++alog_len > 64) {
		old = bpf_list_pop_front(&alog);
		if (old)
			alog_len--;
	}
	bpf_spin_unlock(&alog_lock);
	if (old)
		bpf_obj_drop(container_of(old, struct alloc_rec, link));
	return 0;
}

SEC("tc")
__description("global roots: move the oldest log entry into the histogram")
__success
int alog_to_hist(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct hist_bucket *b;
	__u64 size;

	bpf_spin_lock(&alog_lock);
	n = bpf_list_pop_front(&alog);
	if (n)
		alog_len--;
	bpf_spin_unlock(&alog_lock);
	if (!n)
		return 0;
	size = container_of(n, struct alloc_rec, link)->size;
	bpf_obj_drop(container_of(n, struct alloc_rec, link));

	b = bpf_obj_new(struct hist_bucket);
	if (!b)
		return 0;
	b->order = 63 - __builtin_clzll(size | 1);
	b->count = 1;
	bpf_spin_lock(&hist_lock);
	bpf_rbtree_add(&hist, &b->rb, order_less);
	bpf_spin_unlock(&hist_lock);
	return 0;
}

SEC("tc")
__description("global roots (bug): histogram touched under the log's lock")
__failure __msg("held lock and object are not in the same allocation")
__msg("bpf_spin_lock at off=0 must be held for bpf_rb_root")
int hist_wrong_lock(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;
	__u32 c = 0;

	bpf_spin_lock(&alog_lock);
	n = bpf_rbtree_first(&hist);
	if (n)
		c = container_of(n, struct hist_bucket, rb)->count;
	bpf_spin_unlock(&alog_lock);
	return c;
}

BPF_VERDICT_LICENSE;
