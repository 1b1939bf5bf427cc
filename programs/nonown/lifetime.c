// SPDX-License-Identifier: GPL-2.0
/* R18/R19/R21: after push/add the pointer is a non-owning reference: usable (read and write of
 * ordinary fields) until the lock is released, dead afterwards. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct sess {
	__u64 bytes;
	__u32 id;
	struct bpf_list_node link;
	struct bpf_rb_node rb;
	struct bpf_refcount ref;
};

struct plain_sess {
	__u64 bytes;
	struct bpf_list_node link;
};

private(SESS) struct bpf_spin_lock sess_lock;
private(SESS) struct bpf_list_head sess_list __contains(plain_sess, link);
private(SESS) struct bpf_rb_root sess_tree __contains(sess, rb);

static bool sess_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct sess, rb)->id < container_of(b, struct sess, rb)->id;
}

SEC("tc")
__description("non-owning: write and read fields after push, before unlock")
__success
int nonown_rw_in_cs(struct __sk_buff *ctx)
{
	struct plain_sess *s = bpf_obj_new(struct plain_sess);
	__u64 b;

	if (!s)
		return 0;
	bpf_spin_lock(&sess_lock);
	bpf_list_push_front(&sess_list, &s->link);
	s->bytes += ctx->len;
	b = s->bytes;
	bpf_spin_unlock(&sess_lock);
	return b > 1000;
}

SEC("tc")
__description("non-owning: read after unlock")
__failure __msg("invalid mem access 'scalar'")
int nonown_read_after_unlock(struct __sk_buff *ctx)
{
	struct plain_sess *s = bpf_obj_new(struct plain_sess);

	if (!s)
		return 0;
	bpf_spin_lock(&sess_lock);
	bpf_list_push_front(&sess_list, &s->link);
	bpf_spin_unlock(&sess_lock);
	return s->bytes & 1;
}

SEC("tc")
__description("non-owning: write after unlock")
__failure __msg("invalid mem access 'scalar'")
int nonown_write_after_unlock(struct __sk_buff *ctx)
{
	struct plain_sess *s = bpf_obj_new(struct plain_sess);

	if (!s)
		return 0;
	bpf_spin_lock(&sess_lock);
	bpf_list_push_back(&sess_list, &s->link);
	bpf_spin_unlock(&sess_lock);
	s->bytes = 0;
	return 0;
}

SEC("tc")
__description("non-owning: dropped after unlock")
__failure __msg("R1 must be referenced or trusted")
__kernel("7.3-") __msg("release kfunc bpf_obj_drop_impl expects referenced PTR_TO_BTF_ID passed to R1")
int nonown_drop_after_unlock(struct __sk_buff *ctx)
{
	struct plain_sess *s = bpf_obj_new(struct plain_sess);

	if (!s)
		return 0;
	bpf_spin_lock(&sess_lock);
	bpf_list_push_back(&sess_list, &s->link);
	bpf_spin_unlock(&sess_lock);
	bpf_obj_drop(s);
	return 0;
}

SEC("tc")
__description("non-owning: removed from the tree after a second critical section")
__failure __msg("rbtree_remove node input must be non-owning ref")
__kernel("7.3-") __msg("bpf_rbtree_remove can only take non-owning or refcounted bpf_rb_node pointer")
int nonown_remove_next_cs(struct __sk_buff *ctx)
{
	struct sess *s = bpf_obj_new(struct sess);
	struct bpf_rb_node *n;

	if (!s)
		return 0;
	bpf_spin_lock(&sess_lock);
	bpf_rbtree_add(&sess_tree, &s->rb, sess_less);
	bpf_spin_unlock(&sess_lock);

	bpf_spin_lock(&sess_lock);
	n = bpf_rbtree_remove(&sess_tree, &s->rb);
	bpf_spin_unlock(&sess_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct sess, rb));
	return 0;
}

SEC("tc")
__description("non-owning refcounted node: fields read after add, in the same section")
__success
int nonown_refcounted_read(struct __sk_buff *ctx)
{
	struct sess *s = bpf_obj_new(struct sess);
	__u32 id;

	if (!s)
		return 0;
	s->id = ctx->hash;
	bpf_spin_lock(&sess_lock);
	bpf_rbtree_add(&sess_tree, &s->rb, sess_less);
	id = s->id;
	bpf_spin_unlock(&sess_lock);
	return id & 1;
}

BPF_VERDICT_LICENSE;
