// SPDX-License-Identifier: GPL-2.0
/* Per-flow state objects stashed in a hash map with bpf_kptr_xchg: create on first packet, update
 * by taking the object out and putting it back, retire by taking it out for good. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct flow_state {
	__u64 first_ns;
	__u64 last_ns;
	__u64 packets;
	__u64 bytes;
};

struct flow_slot {
	__u32 flags;
	struct flow_state __kptr *st;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct flow_slot);
	__uint(max_entries, 1024);
} flow_slots SEC(".maps");

static __always_inline struct flow_slot *slot_get_or_create(__u32 key)
{
	struct flow_slot *s = bpf_map_lookup_elem(&flow_slots, &key);
	struct flow_slot init = {};

	if (s)
		return s;
	bpf_map_update_elem(&flow_slots, &key, &init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&flow_slots, &key);
}

SEC("tc")
__description("flow stash: account a packet (create or update the stashed state)")
__success
int flow_account(struct __sk_buff *ctx)
{
	struct flow_slot *s = slot_get_or_create(ctx->hash);
	struct flow_state *st, *old;
	__u64 now = bpf_ktime_get_ns();

	if (!s)
		return 0;
	st = bpf_kptr_xchg(&s->st, NULL);
	if (!st) {
		st = bpf_obj_new(struct flow_state);
		if (!st)
			return 0;
		st->first_ns = now;
	}
	st->last_ns = now;
	st->packets++;
	st->bytes += ctx->len;
	old = bpf_kptr_xchg(&s->st, st);
	if (old)	/* someone raced us in: keep ours, free theirs */
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("flow stash: peek at the stashed state without taking it (RCU read)")
__success
int flow_peek(struct __sk_buff *ctx)
{
	__u32 key = ctx->hash;
	struct flow_slot *s = bpf_map_lookup_elem(&flow_slots, &key);
	struct flow_state *st;

	if (!s)
		return 0;
	st = s->st;
	if (!st)
		return 0;
	return st->packets > 100;
}

SEC("tc")
__description("flow stash: retire a flow")
__success
int flow_retire(struct __sk_buff *ctx)
{
	__u32 key = ctx->hash;
	struct flow_slot *s = bpf_map_lookup_elem(&flow_slots, &key);
	struct flow_state *st;

	if (!s)
		return 0;
	st = bpf_kptr_xchg(&s->st, NULL);
	if (st)
		bpf_obj_drop(st);
	bpf_map_delete_elem(&flow_slots, &key);
	return 0;
}

SEC("tc")
__description("flow stash (bug): object taken out and used after it was put back")
__failure __msg("invalid mem access 'scalar'")
int flow_use_after_stash(struct __sk_buff *ctx)
{
	__u32 key = ctx->hash;
	struct flow_slot *s = bpf_map_lookup_elem(&flow_slots, &key);
	struct flow_state *st, *old;

	if (!s)
		return 0;
	st = bpf_kptr_xchg(&s->st, NULL);
	if (!st)
		return 0;
	old = bpf_kptr_xchg(&s->st, st);
	if (old)
		bpf_obj_drop(old);
	st->packets++;
	return 0;
}

BPF_VERDICT_LICENSE;
