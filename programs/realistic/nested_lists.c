// SPDX-License-Identifier: GPL-2.0
/* Objects holding their own lists: a per-tenant "inbox" object (own lock, own list of messages) is
 * built, filled and stashed in a map; later taken out, drained and freed. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct inbox_msg {
	__u32 len;
	__u32 kind;
	struct bpf_list_node link;
};

struct inbox {
	__u64 tenant;
	struct bpf_spin_lock lock;
	struct bpf_list_head msgs __contains(inbox_msg, link);
	__u32 count;
};

struct tenant_slot {
	struct inbox __kptr *box;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, struct tenant_slot);
	__uint(max_entries, 64);
} tenants SEC(".maps");

struct outer_value {
	struct bpf_spin_lock lock;
	struct bpf_list_head spill __contains(inbox_msg, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct outer_value);
	__uint(max_entries, 1);
} spills SEC(".maps");

static __always_inline struct tenant_slot *tenant(__u64 id)
{
	return bpf_map_lookup_elem(&tenants, &id);
}

SEC("tc")
__description("nested: take the inbox out, append a message under its own lock, put it back")
__success
int inbox_append(struct __sk_buff *ctx)
{
	struct tenant_slot *t = tenant(ctx->mark);
	struct inbox *box, *old;
	struct inbox_msg *m;

	if (!t)
		return 0;
	box = bpf_kptr_xchg(&t->box, NULL);
	if (!box) {
		box = bpf_obj_new(struct inbox);
		if (!box)
			return 0;
		box->tenant = ctx->mark;
	}
	m = bpf_obj_new(struct inbox_msg);
	if (m) {
		m->len = ctx->len;
		bpf_spin_lock(&box->lock);
		bpf_list_push_back(&box->msgs, &m->link);
		box->count++;
		bpf_spin_unlock(&box->lock);
	}
	old = bpf_kptr_xchg(&t->box, box);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("nested: take the inbox out, drain up to 4 messages, free the inbox")
__success
int inbox_drain_and_free(struct __sk_buff *ctx)
{
	struct tenant_slot *t = tenant(ctx->mark);
	struct inbox *box;
	int i, total = 0;

	if (!t)
		return 0;
	box = bpf_kptr_xchg(&t->box, NULL);
	if (!box)
		return 0;
	for (i = 0; i < 4; i++) {
		struct bpf_list_node *n;

		bpf_spin_lock(&box->lock);
		n = bpf_list_pop_front(&box->msgs);
		bpf_spin_unlock(&box->lock);
		if (!n)
			break;
		total += container_of(n, struct inbox_msg, link)->len;
		bpf_obj_drop(container_of(n, struct inbox_msg, link));
	}
	bpf_obj_drop(box);	/* frees whatever is still queued */
	return total;
}

SEC("tc")
__description("nested: move a message from an inbox to a map-value list (two locks in turn)")
__success
int inbox_spill(struct __sk_buff *ctx)
{
	struct tenant_slot *t = tenant(ctx->mark);
	int z = 0;
	struct outer_value *o = bpf_map_lookup_elem(&spills, &z);
	struct inbox *box, *old;
	struct bpf_list_node *n;

	if (!t || !o)
		return 0;
	box = bpf_kptr_xchg(&t->box, NULL);
	if (!box)
		return 0;
	bpf_spin_lock(&box->lock);
	n = bpf_list_pop_front(&box->msgs);
	bpf_spin_unlock(&box->lock);
	if (n) {
		bpf_spin_lock(&o->lock);
		bpf_list_push_back(&o->spill, n);
		bpf_spin_unlock(&o->lock);
	}
	old = bpf_kptr_xchg(&t->box, box);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("nested (bug): inbox list used under the map value's lock")
__failure __msg("held lock and object are not in the same allocation")
__msg("bpf_spin_lock at off=8 must be held for bpf_list_head")
int inbox_wrong_lock(struct __sk_buff *ctx)
{
	int z = 0;
	struct outer_value *o = bpf_map_lookup_elem(&spills, &z);
	struct inbox *box;
	struct bpf_list_node *n;

	if (!o)
		return 0;
	box = bpf_obj_new(struct inbox);
	if (!box)
		return 0;
	bpf_spin_lock(&o->lock);
	n = bpf_list_pop_front(&box->msgs);
	bpf_spin_unlock(&o->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct inbox_msg, link));
	bpf_obj_drop(box);
	return 0;
}

SEC("tc")
__description("nested (bug): inbox list used after the inbox was stashed")
__failure __msg("R1 type=scalar expected=map_value, ptr_")
int inbox_use_after_stash(struct __sk_buff *ctx)
{
	struct tenant_slot *t = tenant(ctx->mark);
	struct inbox *box, *old;
	struct bpf_list_node *n;

	if (!t)
		return 0;
	box = bpf_obj_new(struct inbox);
	if (!box)
		return 0;
	old = bpf_kptr_xchg(&t->box, box);
	if (old)
		bpf_obj_drop(old);
	bpf_spin_lock(&box->lock);
	n = bpf_list_pop_front(&box->msgs);
	bpf_spin_unlock(&box->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct inbox_msg, link));
	return 0;
}

BPF_VERDICT_LICENSE;
