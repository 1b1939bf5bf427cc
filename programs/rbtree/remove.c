// SPDX-License-Identifier: GPL-2.0
/* R15: bpf_rbtree_remove takes a non-owning reference (from first(), or left behind by add) and
 * returns an owning, maybe-NULL one. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct lease {
	__u64 expires;
	__u32 owner;
	struct bpf_rb_node node;
};

private(LEASES) struct bpf_spin_lock lease_lock;
private(LEASES) struct bpf_rb_root lease_tree __contains(lease, node);

static bool lease_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct lease, node)->expires <
	       container_of(b, struct lease, node)->expires;
}

SEC("tc")
__description("remove: the first() node, then drop it")
__success
int remove_first(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;
	struct lease *l;

	bpf_spin_lock(&lease_lock);
	n = bpf_rbtree_first(&lease_tree);
	if (!n) {
		bpf_spin_unlock(&lease_lock);
		return 0;
	}
	n = bpf_rbtree_remove(&lease_tree, n);
	bpf_spin_unlock(&lease_lock);
	if (!n)
		return 0;
	l = container_of(n, struct lease, node);
	bpf_obj_drop(l);
	return 1;
}

SEC("tc")
__description("remove: the node just added (non-owning after add), re-added")
__success
int remove_just_added(struct __sk_buff *ctx)
{
	struct lease *l = bpf_obj_new(struct lease);
	struct bpf_rb_node *n;

	if (!l)
		return 0;
	l->expires = 10;
	bpf_spin_lock(&lease_lock);
	bpf_rbtree_add(&lease_tree, &l->node, lease_less);
	n = bpf_rbtree_remove(&lease_tree, &l->node);
	if (n)
		bpf_rbtree_add(&lease_tree, n, lease_less);
	bpf_spin_unlock(&lease_lock);
	return 0;
}

SEC("tc")
__description("remove: an owning node never added")
__failure __msg("rbtree_remove node input must be non-owning ref")
__kernel("7.3-") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
int remove_owning(struct __sk_buff *ctx)
{
	struct lease *l = bpf_obj_new(struct lease);
	struct bpf_rb_node *n;

	if (!l)
		return 0;
	bpf_spin_lock(&lease_lock);
	n = bpf_rbtree_remove(&lease_tree, &l->node);
	bpf_spin_unlock(&lease_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct lease, node));
	return 0;
}

SEC("tc")
__description("remove: the result used without a NULL check")
__failure __msg("invalid mem access 'ptr_or_null_'")
int remove_unchecked(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;
	struct lease *l;
	__u32 owner;

	bpf_spin_lock(&lease_lock);
	n = bpf_rbtree_first(&lease_tree);
	if (!n) {
		bpf_spin_unlock(&lease_lock);
		return 0;
	}
	n = bpf_rbtree_remove(&lease_tree, n);
	bpf_spin_unlock(&lease_lock);
	l = container_of(n, struct lease, node);
	owner = l->owner;
	if (n)
		bpf_obj_drop(l);
	return owner;
}

BPF_VERDICT_LICENSE;
