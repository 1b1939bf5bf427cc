// SPDX-License-Identifier: GPL-2.0
/* R40: references cross static (BPF-to-BPF) calls in both directions: a callee can acquire a
 * reference for its caller, or release one the caller holds (then the caller's copies die too). */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct io_req {
	__u32 id;
	__u32 state;
	struct bpf_list_node link;
};

private(REQS) struct bpf_spin_lock req_lock;
private(REQS) struct bpf_list_head req_queue __contains(io_req, link);

static __noinline struct io_req *req_alloc(__u32 id)
{
	struct io_req *r = bpf_obj_new(struct io_req);

	if (r)
		r->id = id;
	return r;
}

static __noinline void req_free(struct io_req *r)
{
	bpf_obj_drop(r);
}

static __noinline int req_enqueue(struct io_req *r)
{
	bpf_spin_lock(&req_lock);
	bpf_list_push_back(&req_queue, &r->link);
	bpf_spin_unlock(&req_lock);
	return 0;
}

static __noinline struct io_req *req_dequeue(void)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&req_lock);
	n = bpf_list_pop_front(&req_queue);
	bpf_spin_unlock(&req_lock);
	return n ? container_of(n, struct io_req, link) : NULL;
}

SEC("tc")
__description("subprogs: allocate in a callee, enqueue in another")
__success
int sub_alloc_enqueue(struct __sk_buff *ctx)
{
	struct io_req *r = req_alloc(ctx->hash);

	if (!r)
		return 0;
	return req_enqueue(r);
}

SEC("tc")
__description("subprogs: dequeue in a callee, free in another")
__success
int sub_dequeue_free(struct __sk_buff *ctx)
{
	struct io_req *r = req_dequeue();
	__u32 id;

	if (!r)
		return 0;
	id = r->id;
	req_free(r);
	return id;
}

SEC("tc")
__description("subprogs: use after the callee freed it")
__failure __msg("invalid mem access 'scalar'")
int sub_use_after_free(struct __sk_buff *ctx)
{
	struct io_req *r = req_alloc(1);

	if (!r)
		return 0;
	req_free(r);
	return r->state;
}

SEC("tc")
__description("subprogs: callee's allocation never handed on")
__failure __msg("Unreleased reference id=")
int sub_alloc_leak(struct __sk_buff *ctx)
{
	struct io_req *r = req_alloc(2);

	if (!r)
		return 0;
	return r->id;
}

SEC("tc")
__description("subprogs: use after the callee enqueued it (non-owning died at its unlock)")
__failure __msg("invalid mem access 'scalar'")
int sub_use_after_enqueue(struct __sk_buff *ctx)
{
	struct io_req *r = req_alloc(3);

	if (!r)
		return 0;
	req_enqueue(r);
	return r->state;
}

BPF_VERDICT_LICENSE;
