// SPDX-License-Identifier: GPL-2.0
/* R30: static subprograms may be called with a lock held (and may release it); global ones may
 * not. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct hit {
	__u32 key;
	struct bpf_list_node link;
};

private(HITS) struct bpf_spin_lock hits_lock;
private(HITS) struct bpf_list_head hits __contains(hit, link);
private(HITS) __u64 hits_len;

static __noinline void push_locked(struct hit *h)
{
	bpf_list_push_back(&hits, &h->link);
	hits_len++;
}

static __noinline void finish_and_unlock(void)
{
	hits_len++;
	bpf_spin_unlock(&hits_lock);
}

__noinline int global_count(int x)
{
	return x + 1;
}

SEC("tc")
__description("static subprog pushes with the caller's lock held")
__success
int static_push_in_cs(struct __sk_buff *ctx)
{
	struct hit *h = bpf_obj_new(struct hit);

	if (!h)
		return 0;
	h->key = ctx->hash;
	bpf_spin_lock(&hits_lock);
	push_locked(h);
	bpf_spin_unlock(&hits_lock);
	return 0;
}

SEC("tc")
__description("static subprog releases the caller's lock")
__success
int static_unlocks(struct __sk_buff *ctx)
{
	bpf_spin_lock(&hits_lock);
	finish_and_unlock();
	return 0;
}

SEC("tc")
__description("global subprog called with a lock held")
__failure __msg("global function calls are not allowed while holding a lock")
__msg("use static function instead")
int global_in_cs(struct __sk_buff *ctx)
{
	int r;

	bpf_spin_lock(&hits_lock);
	r = global_count(ctx->len);
	bpf_spin_unlock(&hits_lock);
	return r;
}

BPF_VERDICT_LICENSE;
