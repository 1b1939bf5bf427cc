// SPDX-License-Identifier: GPL-2.0
/* Locks inside local objects: each allocation is its own lock; a root in object B is not protected
 * by object A's lock, even when both have the same type. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct shelf_item {
	__u32 sku;
	struct bpf_list_node link;
};

struct shelf {
	struct bpf_spin_lock lock;
	struct bpf_list_head items __contains(shelf_item, link);
};

static __always_inline struct shelf_item *new_item(__u32 sku)
{
	struct shelf_item *it = bpf_obj_new(struct shelf_item);

	if (it)
		it->sku = sku;
	return it;
}

SEC("tc")
__description("local locks: two shelves, each filled under its own lock")
__success
int two_shelves(struct __sk_buff *ctx)
{
	struct shelf *a = bpf_obj_new(struct shelf);
	struct shelf *b = bpf_obj_new(struct shelf);
	struct shelf_item *x, *y;

	if (!a || !b)
		goto out;
	x = new_item(1);
	y = new_item(2);
	if (x) {
		bpf_spin_lock(&a->lock);
		bpf_list_push_back(&a->items, &x->link);
		bpf_spin_unlock(&a->lock);
	}
	if (y) {
		bpf_spin_lock(&b->lock);
		bpf_list_push_back(&b->items, &y->link);
		bpf_spin_unlock(&b->lock);
	}
out:
	if (a)
		bpf_obj_drop(a);
	if (b)
		bpf_obj_drop(b);
	return 0;
}

SEC("tc")
__description("local locks (bug): shelf B filled under shelf A's lock")
__failure __msg("held lock and object are not in the same allocation")
int wrong_shelf_lock(struct __sk_buff *ctx)
{
	struct shelf *a = bpf_obj_new(struct shelf);
	struct shelf *b = bpf_obj_new(struct shelf);
	struct shelf_item *x;

	if (!a || !b)
		goto out;
	x = new_item(1);
	if (x) {
		bpf_spin_lock(&a->lock);
		bpf_list_push_back(&b->items, &x->link);
		bpf_spin_unlock(&a->lock);
	}
out:
	if (a)
		bpf_obj_drop(a);
	if (b)
		bpf_obj_drop(b);
	return 0;
}

SEC("tc")
__description("local locks (bug): shelf dropped while its lock is held")
__failure __msg("function calls are not allowed while holding a lock")
int drop_locked_shelf(struct __sk_buff *ctx)
{
	struct shelf *a = bpf_obj_new(struct shelf);

	if (!a)
		return 0;
	bpf_spin_lock(&a->lock);
	bpf_obj_drop(a);
	return 0;
}

BPF_VERDICT_LICENSE;
