// SPDX-License-Identifier: GPL-2.0
/* Loading a stashed local kptr in a non-sleepable program gives an RCU-protected pointer: readable,
 * refcount-acquirable (result maybe NULL), but not owned. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct peer {
	__u64 last_seen;
	struct bpf_refcount rc;
	struct bpf_list_node link;
};

struct peer_slot {
	struct peer __kptr *p;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct peer_slot);
	__uint(max_entries, 128);
} peer_slots SEC(".maps");

private(PEERS) struct bpf_spin_lock peers_lock;
private(PEERS) struct bpf_list_head peers_active __contains(peer, link);

SEC("tc")
__description("rcu kptr: read a field of the stashed object")
__success
int kptr_read(struct __sk_buff *ctx)
{
	__u32 k = ctx->hash;
	struct peer_slot *s = bpf_map_lookup_elem(&peer_slots, &k);
	struct peer *p;

	if (!s)
		return 0;
	p = s->p;
	if (!p)
		return 0;
	return p->last_seen > 0;
}

SEC("tc")
__description("rcu kptr: refcount_acquire, NULL check, push to a list")
__success
int kptr_acquire_push(struct __sk_buff *ctx)
{
	__u32 k = ctx->hash;
	struct peer_slot *s = bpf_map_lookup_elem(&peer_slots, &k);
	struct peer *p, *ref;

	if (!s)
		return 0;
	p = s->p;
	if (!p)
		return 0;
	ref = bpf_refcount_acquire(p);
	if (!ref)
		return 0;
	bpf_spin_lock(&peers_lock);
	bpf_list_push_back(&peers_active, &ref->link);
	bpf_spin_unlock(&peers_lock);
	return 0;
}

SEC("tc")
__description("rcu kptr: refcount_acquire result used without a NULL check")
__failure __msg("invalid mem access 'ptr_or_null_'")
int kptr_acquire_unchecked(struct __sk_buff *ctx)
{
	__u32 k = ctx->hash;
	struct peer_slot *s = bpf_map_lookup_elem(&peer_slots, &k);
	struct peer *p, *ref;

	if (!s)
		return 0;
	p = s->p;
	if (!p)
		return 0;
	ref = bpf_refcount_acquire(p);
	ref->last_seen = 0;
	bpf_obj_drop(ref);
	return 0;
}

SEC("tc")
__description("rcu kptr: the loaded pointer is not owned, can't be dropped")
__failure __msg("R1 must be referenced or trusted")
__kernel("7.3-") __msg("release kfunc bpf_obj_drop_impl expects referenced PTR_TO_BTF_ID passed to R1")
int kptr_drop_loaded(struct __sk_buff *ctx)
{
	__u32 k = ctx->hash;
	struct peer_slot *s = bpf_map_lookup_elem(&peer_slots, &k);
	struct peer *p;

	if (!s)
		return 0;
	p = s->p;
	if (!p)
		return 0;
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("rcu kptr: stash a fresh peer")
__success
int kptr_install(struct __sk_buff *ctx)
{
	__u32 k = ctx->hash;
	struct peer_slot *s = bpf_map_lookup_elem(&peer_slots, &k);
	struct peer *p;

	if (!s)
		return 0;
	p = bpf_obj_new(struct peer);
	if (!p)
		return 0;
	p->last_seen = bpf_ktime_get_ns();
	p = bpf_kptr_xchg(&s->p, p);
	if (p)
		bpf_obj_drop(p);
	return 0;
}

BPF_VERDICT_LICENSE;
