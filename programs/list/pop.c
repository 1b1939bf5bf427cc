// SPDX-License-Identifier: GPL-2.0
/* R14: a popped node is an owning, maybe-NULL reference that points at the node field. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct task_ent {
	__u32 pid;
	__u32 weight;
	struct bpf_list_node link;
};

private(TQ) struct bpf_spin_lock tq_lock;
private(TQ) struct bpf_list_head tq_head __contains(task_ent, link);
private(TQ) struct bpf_list_head tq_expired __contains(task_ent, link);

/* Also keeps struct task_ent in the object's BTF: clang emits a type only when something refers to
 * it (here bpf_obj_new's type id); without it, the head's __contains names a missing type. */
SEC("tc")
__description("pop: producer pushing tasks")
__success
int tq_produce(struct __sk_buff *ctx)
{
	struct task_ent *t = bpf_obj_new(struct task_ent);

	if (!t)
		return 0;
	t->pid = ctx->hash;
	t->weight = ctx->len;
	bpf_spin_lock(&tq_lock);
	bpf_list_push_back(&tq_head, &t->link);
	bpf_spin_unlock(&tq_lock);
	return 0;
}

SEC("tc")
__description("pop: NULL check then container_of then read")
__success
int pop_checked(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct task_ent *t;
	int w;

	bpf_spin_lock(&tq_lock);
	n = bpf_list_pop_front(&tq_head);
	bpf_spin_unlock(&tq_lock);
	if (!n)
		return 0;
	t = container_of(n, struct task_ent, link);
	w = t->weight;
	bpf_obj_drop(t);
	return w;
}

SEC("tc")
__description("pop: read through the popped node before the NULL check")
__failure __msg("invalid mem access 'ptr_or_null_'")
int pop_unchecked_read(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct task_ent *t;
	int w;

	bpf_spin_lock(&tq_lock);
	n = bpf_list_pop_front(&tq_head);
	bpf_spin_unlock(&tq_lock);
	t = container_of(n, struct task_ent, link);
	w = t->weight;
	if (n)
		bpf_obj_drop(t);
	return w;
}

SEC("tc")
__description("pop: popped node neither dropped nor re-inserted")
__failure __msg("Unreleased reference id=")
int pop_leak(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct task_ent *t;

	bpf_spin_lock(&tq_lock);
	n = bpf_list_pop_back(&tq_head);
	bpf_spin_unlock(&tq_lock);
	if (!n)
		return 0;
	t = container_of(n, struct task_ent, link);
	return t->pid;
}

SEC("tc")
__description("pop: moved to another list without the NULL check")
__failure __msg("dereference of modified ptr_or_null_ ptr R2 off=8 disallowed")
__kernel("7.3-") __msg("Possibly NULL pointer passed to trusted R2")
int pop_unchecked_move(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&tq_lock);
	n = bpf_list_pop_front(&tq_head);
	bpf_list_push_back(&tq_expired, n);
	bpf_spin_unlock(&tq_lock);
	return 0;
}

SEC("tc")
__description("pop: moved to another list after the NULL check")
__success
int pop_checked_move(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&tq_lock);
	n = bpf_list_pop_front(&tq_head);
	if (n)
		bpf_list_push_back(&tq_expired, n);
	bpf_spin_unlock(&tq_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
