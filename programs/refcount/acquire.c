// SPDX-License-Identifier: GPL-2.0
/* R17: bpf_refcount_acquire makes a second owning reference to a refcounted object. From an owning
 * reference the result is never NULL. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct shared_ent {
	__u64 key;
	struct bpf_refcount rc;
	struct bpf_list_node link;
	struct bpf_rb_node rb;
};

struct unshared_ent {
	__u64 key;
	struct bpf_list_node link;
};

private(SHR) struct bpf_spin_lock shr_lock;
private(SHR) struct bpf_list_head shr_list __contains(shared_ent, link);
private(SHR) struct bpf_rb_root shr_tree __contains(shared_ent, rb);
private(SHR) struct bpf_list_head unshr_list __contains(unshared_ent, link);

static bool shr_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct shared_ent, rb)->key <
	       container_of(b, struct shared_ent, rb)->key;
}

SEC("tc")
__description("refcount_acquire: owning input, result used without NULL check")
__success
int acquire_owning(struct __sk_buff *ctx)
{
	struct shared_ent *e = bpf_obj_new(struct shared_ent);
	struct shared_ent *e2;

	if (!e)
		return 0;
	e->key = ctx->hash;
	e2 = bpf_refcount_acquire(e);
	bpf_spin_lock(&shr_lock);
	bpf_list_push_back(&shr_list, &e->link);
	bpf_rbtree_add(&shr_tree, &e2->rb, shr_less);
	bpf_spin_unlock(&shr_lock);
	return 0;
}

SEC("tc")
__description("refcount_acquire: type without bpf_refcount")
__failure __msg("arg#0 doesn't point to a type with bpf_refcount field")
__kernel("7.3-") __msg("R1 doesn't point to a type with bpf_refcount field")
int acquire_unrefcounted(struct __sk_buff *ctx)
{
	struct unshared_ent *u = bpf_obj_new(struct unshared_ent);
	struct unshared_ent *u2;

	if (!u)
		return 0;
	u2 = bpf_refcount_acquire(u);
	bpf_obj_drop(u2);
	bpf_obj_drop(u);
	return 0;
}

SEC("tc")
__description("refcount_acquire: maybe-NULL input")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
__kernel("7.3-") __msg("Possibly NULL pointer passed to trusted R1")
int acquire_maybe_null(struct __sk_buff *ctx)
{
	struct shared_ent *e = bpf_obj_new(struct shared_ent);
	struct shared_ent *e2;

	e2 = bpf_refcount_acquire(e);
	if (e2)
		bpf_obj_drop(e2);
	if (e)
		bpf_obj_drop(e);
	return 0;
}

SEC("tc")
__description("refcount_acquire: the second reference is leaked")
__failure __msg("Unreleased reference id=")
int acquire_leak(struct __sk_buff *ctx)
{
	struct shared_ent *e = bpf_obj_new(struct shared_ent);
	struct shared_ent *e2;

	if (!e)
		return 0;
	e2 = bpf_refcount_acquire(e);
	e2->key = 1;
	bpf_obj_drop(e);
	return 0;
}

SEC("tc")
__description("refcount_acquire: input is a dropped (scalar) pointer")
__failure __msg("arg#0 is neither owning or non-owning ref")
__kernel("7.3-") __msg("R1 is neither owning or non-owning ref")
int acquire_after_drop(struct __sk_buff *ctx)
{
	struct shared_ent *e = bpf_obj_new(struct shared_ent);
	struct shared_ent *e2;

	if (!e)
		return 0;
	bpf_obj_drop(e);
	e2 = bpf_refcount_acquire(e);
	if (e2)
		bpf_obj_drop(e2);
	return 0;
}

BPF_VERDICT_LICENSE;
