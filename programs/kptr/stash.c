// SPDX-License-Identifier: GPL-2.0
/* R39: local objects stashed in map values with bpf_kptr_xchg, and taken out again. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct cfg_blob {
	__u32 version;
	__u32 flags;
	struct bpf_list_node unused_link;
};

struct other_blob {
	__u64 x;
};

struct cfg_slot {
	struct cfg_blob __kptr *blob;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct cfg_slot);
	__uint(max_entries, 4);
} cfg_slots SEC(".maps");

struct locked_slot {
	struct bpf_spin_lock lock;
	struct cfg_blob __kptr *blob;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct locked_slot);
	__uint(max_entries, 1);
} locked_slots SEC(".maps");

static struct cfg_slot *slot(int k)
{
	return bpf_map_lookup_elem(&cfg_slots, &k);
}

SEC("tc")
__description("stash: install a new blob, drop the previous one")
__success
int stash_swap(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(0);
	struct cfg_blob *b, *old;

	if (!s)
		return 0;
	b = bpf_obj_new(struct cfg_blob);
	if (!b)
		return 0;
	b->version = 2;
	old = bpf_kptr_xchg(&s->blob, b);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("stash: take the blob out, read it, put it back")
__success
int stash_take_put(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(1);
	struct cfg_blob *b, *old;
	__u32 v;

	if (!s)
		return 0;
	b = bpf_kptr_xchg(&s->blob, NULL);
	if (!b)
		return 0;
	v = b->version;
	old = bpf_kptr_xchg(&s->blob, b);
	if (old)
		bpf_obj_drop(old);
	return v;
}

SEC("tc")
__description("stash: the previous blob is leaked")
__failure __msg("Unreleased reference id=")
int stash_leak_old(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(0);
	struct cfg_blob *b;

	if (!s)
		return 0;
	b = bpf_obj_new(struct cfg_blob);
	if (!b)
		return 0;
	bpf_kptr_xchg(&s->blob, b);
	return 0;
}

SEC("tc")
__description("stash: object of another type")
__failure __msg("invalid kptr access, R2 type=ptr_other_blob expected=ptr_cfg_blob")
int stash_wrong_type(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(0);
	struct other_blob *o;
	struct cfg_blob *old;

	if (!s)
		return 0;
	o = bpf_obj_new(struct other_blob);
	if (!o)
		return 0;
	old = bpf_kptr_xchg(&s->blob, (struct cfg_blob *)o);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("stash: pointer into the middle of the object (checked as a type mismatch at off 4)")
__failure __msg("invalid kptr access, R2 type=ptr_cfg_blob expected=ptr_cfg_blob")
int stash_interior(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(0);
	struct cfg_blob *b, *old;

	if (!s)
		return 0;
	b = bpf_obj_new(struct cfg_blob);
	if (!b)
		return 0;
	old = bpf_kptr_xchg(&s->blob, (struct cfg_blob *)&b->flags);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("stash: bpf_kptr_xchg inside a critical section")
__failure __msg("function calls are not allowed while holding a lock")
__kernel("7.3-") __success
int stash_under_lock(struct __sk_buff *ctx)
{
	int k = 0;
	struct locked_slot *ls = bpf_map_lookup_elem(&locked_slots, &k);
	struct cfg_blob *b, *old;

	if (!ls)
		return 0;
	b = bpf_obj_new(struct cfg_blob);
	if (!b)
		return 0;
	bpf_spin_lock(&ls->lock);
	old = bpf_kptr_xchg(&ls->blob, b);
	bpf_spin_unlock(&ls->lock);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("stash: plain store into the kptr field")
__failure __msg("store to referenced kptr disallowed")
int stash_plain_store(struct __sk_buff *ctx)
{
	struct cfg_slot *s = slot(0);
	struct cfg_blob *b;

	if (!s)
		return 0;
	b = bpf_obj_new(struct cfg_blob);
	if (!b)
		return 0;
	s->blob = b;
	bpf_obj_drop(b);
	return 0;
}

BPF_VERDICT_LICENSE;
