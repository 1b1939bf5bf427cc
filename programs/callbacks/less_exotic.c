// SPDX-License-Identifier: GPL-2.0
/* Less common things a less() callback can do with its non-owning arguments while the lock is held:
 * refcount-acquire one and hand the new reference on, or return something that is not a number. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct rc_node {
	__u64 key;
	struct bpf_refcount rc;
	struct bpf_rb_node rb;
	struct bpf_list_node seen;
};

private(EXO) struct bpf_spin_lock exo_lock;
private(EXO) struct bpf_rb_root exo_tree __contains(rc_node, rb);
private(EXO) struct bpf_list_head exo_seen __contains(rc_node, seen);

static bool less_records_visit(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct rc_node *na = container_of(a, struct rc_node, rb);
	struct rc_node *ref = bpf_refcount_acquire(na);

	/* a second reference, handed to the "seen" list under the same (held) lock */
	if (ref)
		bpf_list_push_back(&exo_seen, &ref->seen);
	return na->key < container_of(b, struct rc_node, rb)->key;
}

static bool less_acquire_leak(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct rc_node *ref = bpf_refcount_acquire(container_of(a, struct rc_node, rb));

	return ref != NULL;
}

static bool less_returns_pointer(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	bool r;

	asm volatile("%0 = %1" : "=r"(r) : "r"(a));
	return r;
}

#define ADD_WITH(name, less)						\
int name(struct __sk_buff *ctx)						\
{									\
	struct rc_node *n = bpf_obj_new(struct rc_node);		\
									\
	if (!n)								\
		return 0;						\
	n->key = ctx->hash;						\
	bpf_spin_lock(&exo_lock);					\
	bpf_rbtree_add(&exo_tree, &n->rb, less);			\
	bpf_spin_unlock(&exo_lock);					\
	return 0;							\
}

SEC("tc")
__description("less() exotic: acquires a node and pushes the new reference onto a list")
__success
ADD_WITH(cb_acquire_push, less_records_visit)

SEC("tc")
__description("less() exotic: acquires a node and keeps the reference")
__failure __msg("Unreleased reference id=")
ADD_WITH(cb_acquire_leak, less_acquire_leak)

SEC("tc")
__description("less() exotic: returns a pointer")
__failure __msg("R0 not a scalar value")
ADD_WITH(cb_ret_pointer, less_returns_pointer)

BPF_VERDICT_LICENSE;
