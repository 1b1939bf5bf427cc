// SPDX-License-Identifier: GPL-2.0
/* Global roots written the way many selftests do it: a local `private` macro putting each group in
 * its own `.data.<name>` section, helper macros for lock-protected operations, and a lookup loop
 * over a tree-backed free list of fixed-size buffers. */
#include "vmlinux.h"
#include "bpf_verdict.h"

#define data_private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

#define with_lock(l, body)			\
	do {					\
		bpf_spin_lock(l);		\
		body;				\
		bpf_spin_unlock(l);		\
	} while (0)

struct buf {
	__u32 size;
	__u32 users;
	struct bpf_rb_node by_size;
};

data_private(POOL) struct bpf_spin_lock pool_lock;
data_private(POOL) struct bpf_rb_root pool_free __contains(buf, by_size);
data_private(POOL) __u64 pool_bytes = 0;

static bool size_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct buf, by_size)->size < container_of(b, struct buf, by_size)->size;
}

SEC("tc")
__description(".data sections: give back a buffer to the free tree")
__success
int pool_put(struct __sk_buff *ctx)
{
	struct buf *b = bpf_obj_new(struct buf);

	if (!b)
		return 0;
	b->size = 64 << (ctx->hash & 3);
	with_lock(&pool_lock, {
		bpf_rbtree_add(&pool_free, &b->by_size, size_less);
		pool_bytes += b->size;
	});
	return 0;
}

SEC("tc")
__description(".data sections: take the smallest buffer, use it, give it back")
__success
int pool_get_put(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n = NULL;
	struct buf *b;

	with_lock(&pool_lock, {
		n = bpf_rbtree_first(&pool_free);
		if (n)
			n = bpf_rbtree_remove(&pool_free, n);
	});
	if (!n)
		return 0;
	b = container_of(n, struct buf, by_size);
	b->users++;
	with_lock(&pool_lock, bpf_rbtree_add(&pool_free, &b->by_size, size_less));
	return 0;
}

SEC("tc")
__description(".data sections (bug): buffer counted after it went back to the tree")
__failure __msg("invalid mem access 'scalar'")
int pool_count_after_put(struct __sk_buff *ctx)
{
	struct buf *b = bpf_obj_new(struct buf);

	if (!b)
		return 0;
	b->size = 128;
	with_lock(&pool_lock, bpf_rbtree_add(&pool_free, &b->by_size, size_less));
	b->users = 0;
	return 0;
}

BPF_VERDICT_LICENSE;
