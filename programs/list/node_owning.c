// SPDX-License-Identifier: GPL-2.0
/* R9: push takes an owning reference; once pushed, the pointer is non-owning and can't be pushed
 * again, and an unchecked maybe-NULL pointer is not an allocated object yet. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ev_node {
	__u64 stamp;
	struct bpf_list_node link;
};

/* Node first: &h->link is the object pointer itself, no arithmetic needed. */
struct ev_head_first {
	struct bpf_list_node link;
	__u64 stamp;
};

private(EVQ) struct bpf_spin_lock evq_lock;
private(EVQ) struct bpf_list_head evq_ready __contains(ev_node, link);
private(EVQ) struct bpf_list_head evq_late __contains(ev_node, link);
private(EVQ) struct bpf_list_head evq_first __contains(ev_head_first, link);

SEC("tc")
__description("push: an owning reference once")
__success
int push_once(struct __sk_buff *ctx)
{
	struct ev_node *e = bpf_obj_new(struct ev_node);

	if (!e)
		return 0;
	e->stamp = bpf_ktime_get_ns();
	bpf_spin_lock(&evq_lock);
	bpf_list_push_back(&evq_ready, &e->link);
	bpf_spin_unlock(&evq_lock);
	return 0;
}

SEC("tc")
__description("push: the same node into a second list")
__failure __msg("arg#1 expected pointer to allocated object")
__kernel("7.3-") __msg("R2 expected pointer to allocated object")
int push_twice(struct __sk_buff *ctx)
{
	struct ev_node *e = bpf_obj_new(struct ev_node);

	if (!e)
		return 0;
	bpf_spin_lock(&evq_lock);
	bpf_list_push_back(&evq_ready, &e->link);
	bpf_list_push_back(&evq_late, &e->link);
	bpf_spin_unlock(&evq_lock);
	return 0;
}

SEC("tc")
__description("push: &e->link of a maybe-NULL object (node not at offset 0)")
__failure __msg("R6 pointer arithmetic on ptr_or_null_ prohibited, null-check it first")
int push_unchecked_arith(struct __sk_buff *ctx)
{
	struct ev_node *e = bpf_obj_new(struct ev_node);

	bpf_spin_lock(&evq_lock);
	bpf_list_push_back(&evq_ready, &e->link);
	bpf_spin_unlock(&evq_lock);
	return 0;
}

SEC("tc")
__description("push: maybe-NULL object whose node is at offset 0")
__failure __msg("arg#1 expected pointer to allocated object")
__kernel("7.3-") __msg("Possibly NULL pointer passed to trusted R2")
int push_unchecked_offset0(struct __sk_buff *ctx)
{
	struct ev_head_first *e = bpf_obj_new(struct ev_head_first);

	bpf_spin_lock(&evq_lock);
	bpf_list_push_back(&evq_first, &e->link);
	bpf_spin_unlock(&evq_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
