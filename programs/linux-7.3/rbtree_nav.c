// SPDX-License-Identifier: GPL-2.0
/* Linux 7.3: bpf_rbtree_root/left/right walk the tree under its lock and return non-owning
 * references (maybe NULL); bpf_rbtree_add under its plain name (implicit meta and offset); and
 * bpf_rbtree_remove now takes an owning (referenced) node too, where 6.12 wanted a non-owning one. */
#include "common.h"

private(RB) struct bpf_spin_lock rb_lock;
private(RB) struct bpf_rb_root rb_root __contains(g73_tnode, rb);

SEC("tc")
__description("7.3 rbtree: descend from the root to the leftmost node, read keys")
__success
int walk_left(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n, *l;
	__u64 k = 0;
	int i;

	bpf_spin_lock(&rb_lock);
	n = bpf_rbtree_root(&rb_root);
	for (i = 0; i < 4 && n; i++) {
		k = container_of(n, struct g73_tnode, rb)->key;
		l = bpf_rbtree_left(&rb_root, n);
		n = l;
	}
	bpf_spin_unlock(&rb_lock);
	return k & 1;
}

SEC("tc")
__description("7.3 rbtree: bpf_rbtree_right without a NULL check of its input")
__failure __msg("Possibly NULL pointer passed to trusted")
int right_of_maybe_null(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n, *r;

	bpf_spin_lock(&rb_lock);
	n = bpf_rbtree_root(&rb_root);
	r = bpf_rbtree_right(&rb_root, n);
	bpf_spin_unlock(&rb_lock);
	return r != 0;
}

SEC("tc")
__description("7.3 rbtree: bpf_rbtree_root without the lock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_rb_root")
int root_unlocked(struct __sk_buff *ctx)
{
	return bpf_rbtree_root(&rb_root) != 0;
}

SEC("tc")
__description("7.3 rbtree: bpf_rbtree_add (implicit arguments), then remove the first node")
__success
int add_remove_implicit(struct __sk_buff *ctx)
{
	struct g73_tnode *t = bpf_obj_new(struct g73_tnode);
	struct bpf_rb_node *f, *r = 0;

	if (!t)
		return 0;
	t->key = ctx->hash;
	bpf_spin_lock(&rb_lock);
	bpf_rbtree_add(&rb_root, &t->rb, tnode_less);
	f = bpf_rbtree_first(&rb_root);
	if (f)
		r = bpf_rbtree_remove(&rb_root, f);
	bpf_spin_unlock(&rb_lock);
	if (r)
		bpf_obj_drop(container_of(r, struct g73_tnode, rb));
	return 0;
}

SEC("tc")
__description("7.3 rbtree: bpf_rbtree_add (implicit arguments) of the same node twice")
__failure __msg("expected pointer to allocated object")
int add_twice_implicit(struct __sk_buff *ctx)
{
	struct g73_tnode *t = bpf_obj_new(struct g73_tnode);

	if (!t)
		return 0;
	bpf_spin_lock(&rb_lock);
	bpf_rbtree_add(&rb_root, &t->rb, tnode_less);
	bpf_rbtree_add(&rb_root, &t->rb, tnode_less);
	bpf_spin_unlock(&rb_lock);
	return 0;
}

SEC("tc")
__description("7.3 rbtree: remove through an owning reference (refcount_acquire of a node in the tree)")
__success
int remove_owning_ref(struct __sk_buff *ctx)
{
	struct g73_tnode *t = bpf_obj_new(struct g73_tnode);
	struct g73_tnode *ref;
	struct bpf_rb_node *r;

	if (!t)
		return 0;
	bpf_spin_lock(&rb_lock);
	bpf_rbtree_add(&rb_root, &t->rb, tnode_less);
	ref = bpf_refcount_acquire(t);
	if (!ref) {
		bpf_spin_unlock(&rb_lock);
		return 0;
	}
	r = bpf_rbtree_remove(&rb_root, &ref->rb);
	bpf_spin_unlock(&rb_lock);
	bpf_obj_drop(ref);
	if (r)
		bpf_obj_drop(container_of(r, struct g73_tnode, rb));
	return 0;
}

BPF_VERDICT_LICENSE;
