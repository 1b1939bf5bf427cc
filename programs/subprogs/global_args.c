// SPDX-License-Identifier: GPL-2.0
/* Global subprograms only know their argument types: a struct pointer argument is plain memory of
 * that size, and passing a map value whose memory holds a lock is refused at the call (the
 * whole-struct access would touch the lock). Graph code in a global function reaches its roots
 * itself. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct evt {
	__u64 ts;
	struct bpf_list_node link;
};

struct evt_ring {
	struct bpf_spin_lock lock;
	__u32 len;
	struct bpf_list_head evts __contains(evt, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct evt_ring);
	__uint(max_entries, 4);
} evt_rings SEC(".maps");

/* looks the ring up itself: fine */
__noinline int ring_push_now(int ring)
{
	struct evt_ring *r = bpf_map_lookup_elem(&evt_rings, &ring);
	struct evt *e;

	if (!r)
		return -1;
	e = bpf_obj_new(struct evt);
	if (!e)
		return -1;
	e->ts = bpf_ktime_get_ns();
	bpf_spin_lock(&r->lock);
	bpf_list_push_back(&r->evts, &e->link);
	r->len++;
	bpf_spin_unlock(&r->lock);
	return 0;
}

/* gets the ring as an argument: to the verifier it is just memory of sizeof(struct evt_ring) */
__noinline int ring_len_locked(struct evt_ring *r)
{
	int len;

	if (!r)
		return 0;
	bpf_spin_lock(&r->lock);
	len = r->len;
	bpf_spin_unlock(&r->lock);
	return len;
}

SEC("tc")
__description("global args: global subprog looks up its own root")
__success
int global_own_lookup(struct __sk_buff *ctx)
{
	return ring_push_now(ctx->hash & 3);
}

SEC("tc")
__description("global args (bug): map value passed to a global subprog that locks it")
__failure __msg("bpf_spin_lock cannot be accessed directly by load/store")
__msg("Caller passes invalid args into func#1 ('ring_len_locked')")
int global_value_arg(struct __sk_buff *ctx)
{
	int k = 0;
	struct evt_ring *r = bpf_map_lookup_elem(&evt_rings, &k);

	if (!r)
		return 0;
	return ring_len_locked(r);
}

BPF_VERDICT_LICENSE;
