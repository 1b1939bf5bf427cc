// SPDX-License-Identifier: GPL-2.0
/* R22: a non-owning reference to a refcounted node (after insertion, or from first()) can be turned
 * into an owning one with bpf_refcount_acquire; the result may be NULL. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct flow_ent {
	__u64 bytes;
	struct bpf_refcount rc;
	struct bpf_list_node lru;
	struct bpf_rb_node by_bytes;
};

private(FLOWS) struct bpf_spin_lock flows_lock;
private(FLOWS) struct bpf_list_head flows_lru __contains(flow_ent, lru);
private(FLOWS) struct bpf_rb_root flows_tree __contains(flow_ent, by_bytes);

static bool bytes_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct flow_ent, by_bytes)->bytes <
	       container_of(b, struct flow_ent, by_bytes)->bytes;
}

SEC("tc")
__description("refcounted non-owning: acquire after add, then list it too")
__success
int acquire_after_add(struct __sk_buff *ctx)
{
	struct flow_ent *f = bpf_obj_new(struct flow_ent);
	struct flow_ent *again;

	if (!f)
		return 0;
	f->bytes = ctx->len;
	bpf_spin_lock(&flows_lock);
	bpf_rbtree_add(&flows_tree, &f->by_bytes, bytes_less);
	again = bpf_refcount_acquire(f);
	if (again)
		bpf_list_push_front(&flows_lru, &again->lru);
	bpf_spin_unlock(&flows_lock);
	return 0;
}

SEC("tc")
__description("refcounted non-owning: acquire from first() without a NULL check of the result")
__failure __msg("invalid mem access 'ptr_or_null_'")
int acquire_first_unchecked(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;
	struct flow_ent *f;
	__u64 b = 0;

	bpf_spin_lock(&flows_lock);
	n = bpf_rbtree_first(&flows_tree);
	if (!n) {
		bpf_spin_unlock(&flows_lock);
		return 0;
	}
	f = bpf_refcount_acquire(container_of(n, struct flow_ent, by_bytes));
	bpf_spin_unlock(&flows_lock);
	b = f->bytes;
	bpf_obj_drop(f);
	return b & 1;
}

SEC("tc")
__description("refcounted non-owning: a list-pushed node removed from the tree by its rb node")
__success
int remove_via_list_ref(struct __sk_buff *ctx)
{
	struct flow_ent *f = bpf_obj_new(struct flow_ent);
	struct bpf_rb_node *n;

	if (!f)
		return 0;
	bpf_spin_lock(&flows_lock);
	bpf_list_push_back(&flows_lru, &f->lru);
	/* f is non-owning now; the tree may not hold it, so remove may return NULL */
	n = bpf_rbtree_remove(&flows_tree, &f->by_bytes);
	bpf_spin_unlock(&flows_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct flow_ent, by_bytes));
	return 0;
}

SEC("tc")
__description("refcounted non-owning: acquired reference kept past unlock, old one used")
__failure __msg("invalid mem access 'scalar'")
int use_nonown_after_unlock(struct __sk_buff *ctx)
{
	struct flow_ent *f = bpf_obj_new(struct flow_ent);
	struct flow_ent *keep;

	if (!f)
		return 0;
	bpf_spin_lock(&flows_lock);
	bpf_list_push_back(&flows_lru, &f->lru);
	keep = bpf_refcount_acquire(f);
	bpf_spin_unlock(&flows_lock);
	if (keep)
		bpf_obj_drop(keep);
	return f->bytes & 1;
}

BPF_VERDICT_LICENSE;
