// SPDX-License-Identifier: GPL-2.0
/* The less() callback is verified after the path that called bpf_rbtree_add reaches its exit, so
 * when both are wrong, the caller's error is the one reported. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ord_ent {
	__u64 k;
	struct bpf_rb_node rb;
};

private(ORD) struct bpf_spin_lock ord_lock;
private(ORD) struct bpf_rb_root ord_tree __contains(ord_ent, rb);

static bool less_with_helper(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return bpf_get_prandom_u32() & 1;
}

static bool less_ok(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct ord_ent, rb)->k < container_of(b, struct ord_ent, rb)->k;
}

SEC("tc")
__description("ordering: caller leaks and less() calls a helper: the leak is reported")
__failure __msg("Unreleased reference id=")
int caller_error_first(struct __sk_buff *ctx)
{
	struct ord_ent *e = bpf_obj_new(struct ord_ent), *extra;

	if (!e)
		return 0;
	extra = bpf_obj_new(struct ord_ent);
	bpf_spin_lock(&ord_lock);
	bpf_rbtree_add(&ord_tree, &e->rb, less_with_helper);
	bpf_spin_unlock(&ord_lock);
	return extra != NULL;
}

SEC("tc")
__description("ordering: the caller is fine, less() calls a helper")
__failure __msg("function calls are not allowed while holding a lock")
int callback_error_only(struct __sk_buff *ctx)
{
	struct ord_ent *e = bpf_obj_new(struct ord_ent);

	if (!e)
		return 0;
	bpf_spin_lock(&ord_lock);
	bpf_rbtree_add(&ord_tree, &e->rb, less_with_helper);
	bpf_spin_unlock(&ord_lock);
	return 0;
}

SEC("tc")
__description("ordering: two adds with the same good less()")
__success
int two_adds(struct __sk_buff *ctx)
{
	struct ord_ent *a = bpf_obj_new(struct ord_ent);
	struct ord_ent *b;

	if (!a)
		return 0;
	b = bpf_obj_new(struct ord_ent);
	if (!b) {
		bpf_obj_drop(a);
		return 0;
	}
	a->k = 1;
	b->k = 2;
	bpf_spin_lock(&ord_lock);
	bpf_rbtree_add(&ord_tree, &a->rb, less_ok);
	bpf_rbtree_add(&ord_tree, &b->rb, less_ok);
	bpf_spin_unlock(&ord_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
