// SPDX-License-Identifier: GPL-2.0
/* R20/R23: a non-owning reference can be read, written, removed from a tree or refcount-acquired;
 * it can't be inserted again, used as a root, or released. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct bkt_item {
	__u64 val;
	struct bpf_rb_node rb;
};

private(BKT) struct bpf_spin_lock bkt_lock;
private(BKT) struct bpf_rb_root bkt_hot __contains(bkt_item, rb);
private(BKT) struct bpf_rb_root bkt_cold __contains(bkt_item, rb);

static bool val_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct bkt_item, rb)->val <
	       container_of(b, struct bkt_item, rb)->val;
}

SEC("tc")
__description("non-owning: move the first hot item to the cold tree (remove, then add)")
__success
int move_hot_to_cold(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&bkt_lock);
	n = bpf_rbtree_first(&bkt_hot);
	if (n) {
		n = bpf_rbtree_remove(&bkt_hot, n);
		if (n)
			bpf_rbtree_add(&bkt_cold, n, val_less);
	}
	bpf_spin_unlock(&bkt_lock);
	return 0;
}

SEC("tc")
__description("non-owning: first() result added to another tree without removing it")
__failure __msg("arg#1 expected pointer to allocated object")
__kernel("7.3-") __msg("R2 expected pointer to allocated object")
int add_first_elsewhere(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&bkt_lock);
	n = bpf_rbtree_first(&bkt_hot);
	if (n)
		bpf_rbtree_add(&bkt_cold, n, val_less);
	bpf_spin_unlock(&bkt_lock);
	return 0;
}

SEC("tc")
__description("non-owning: added node added again to the other tree")
__failure __msg("arg#1 expected pointer to allocated object")
__kernel("7.3-") __msg("R2 expected pointer to allocated object")
int add_twice(struct __sk_buff *ctx)
{
	struct bkt_item *it = bpf_obj_new(struct bkt_item);

	if (!it)
		return 0;
	bpf_spin_lock(&bkt_lock);
	bpf_rbtree_add(&bkt_hot, &it->rb, val_less);
	bpf_rbtree_add(&bkt_cold, &it->rb, val_less);
	bpf_spin_unlock(&bkt_lock);
	return 0;
}

SEC("tc")
__description("non-owning: first() result dropped inside the critical section")
__failure __msg("function calls are not allowed while holding a lock")
int drop_first_in_cs(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&bkt_lock);
	n = bpf_rbtree_first(&bkt_hot);
	if (n)
		bpf_obj_drop(container_of(n, struct bkt_item, rb));
	bpf_spin_unlock(&bkt_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
