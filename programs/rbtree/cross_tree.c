// SPDX-License-Identifier: GPL-2.0
/* Two trees of the same node type behind one lock: the verifier checks types, not membership, so
 * removing a node from the "wrong" tree is accepted (at run time it returns NULL). */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ival {
	__u64 lo;
	struct bpf_rb_node rb;
};

private(IVAL) struct bpf_spin_lock ival_lock;
private(IVAL) struct bpf_rb_root ival_open __contains(ival, rb);
private(IVAL) struct bpf_rb_root ival_closed __contains(ival, rb);

static bool lo_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct ival, rb)->lo < container_of(b, struct ival, rb)->lo;
}

SEC("tc")
__description("cross tree: add to one tree, remove from the other (NULL at run time)")
__success
int remove_from_other_tree(struct __sk_buff *ctx)
{
	struct ival *v = bpf_obj_new(struct ival);
	struct bpf_rb_node *n;

	if (!v)
		return 0;
	bpf_spin_lock(&ival_lock);
	bpf_rbtree_add(&ival_open, &v->rb, lo_less);
	n = bpf_rbtree_remove(&ival_closed, &v->rb);
	bpf_spin_unlock(&ival_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct ival, rb));
	return 0;
}

SEC("tc")
__description("cross tree: first() of one tree removed from the other")
__success
int first_removed_elsewhere(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&ival_lock);
	n = bpf_rbtree_first(&ival_open);
	if (n)
		n = bpf_rbtree_remove(&ival_closed, n);
	bpf_spin_unlock(&ival_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct ival, rb));
	return 0;
}

SEC("tc")
__description("cross tree (bug): removed node dropped inside the section")
__failure __msg("function calls are not allowed while holding a lock")
int drop_removed_in_cs(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&ival_lock);
	n = bpf_rbtree_first(&ival_open);
	if (n) {
		n = bpf_rbtree_remove(&ival_open, n);
		if (n)
			bpf_obj_drop(container_of(n, struct ival, rb));
	}
	bpf_spin_unlock(&ival_lock);
	return 0;
}

SEC("tc")
__description("cross tree (bug): removed node leaked")
__failure __msg("Unreleased reference id=")
int removed_leak(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;

	bpf_spin_lock(&ival_lock);
	n = bpf_rbtree_first(&ival_open);
	if (n)
		n = bpf_rbtree_remove(&ival_open, n);
	bpf_spin_unlock(&ival_lock);
	return n != NULL;
}

BPF_VERDICT_LICENSE;
