// SPDX-License-Identifier: GPL-2.0
/* R5/R33: a root (and its lock) inside a local object is usable only through a live reference to
 * that object. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct leaf_rec {
	__u32 v;
	struct bpf_list_node link;
};

struct group_rec {
	struct bpf_spin_lock lock;
	struct bpf_list_head leaves __contains(leaf_rec, link);
};

SEC("tc")
__description("inner root: pop from an owned object's own list")
__success
int inner_root_owned(struct __sk_buff *ctx)
{
	struct group_rec *g = bpf_obj_new(struct group_rec);
	struct leaf_rec *l = bpf_obj_new(struct leaf_rec);
	struct bpf_list_node *n;

	if (!g || !l) {
		if (g)
			bpf_obj_drop(g);
		if (l)
			bpf_obj_drop(l);
		return 0;
	}
	bpf_spin_lock(&g->lock);
	bpf_list_push_front(&g->leaves, &l->link);
	n = bpf_list_pop_back(&g->leaves);
	bpf_spin_unlock(&g->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct leaf_rec, link));
	bpf_obj_drop(g);
	return 0;
}

SEC("tc")
__description("inner root: lock of a dropped object (the pointer is a scalar now)")
__failure __msg("R1 type=scalar expected=map_value, ptr_")
int inner_root_after_drop(struct __sk_buff *ctx)
{
	struct group_rec *g = bpf_obj_new(struct group_rec);
	struct bpf_list_node *n;

	if (!g)
		return 0;
	bpf_obj_drop(g);
	bpf_spin_lock(&g->lock);
	n = bpf_list_pop_back(&g->leaves);
	bpf_spin_unlock(&g->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct leaf_rec, link));
	return 0;
}

BPF_VERDICT_LICENSE;
