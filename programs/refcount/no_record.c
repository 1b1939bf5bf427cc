// SPDX-License-Identifier: GPL-2.0
/* bpf_refcount_acquire needs the object's btf_record to find its bpf_refcount. A type with no
 * special field at all has no record: the kernel stops with an internal error instead of the
 * "doesn't point to a type with bpf_refcount field" a type with other special fields gets.
 * (6.12 prints "verifier internal error: ...", 7.x "verifier bug: ...": the declarations match the
 * text both lines share.)
 * Neighbours: an RCU-loaded local kptr (MEM_RCU | MEM_ALLOC) handed to bpf_kptr_xchg reaches
 * check_reg_type's internal-error default, and a refcount-only type is fine. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct bare {
	__u64 a;
	__u64 b;
};

struct only_rc {
	__u64 a;
	struct bpf_refcount rc;
};

struct tracked {
	__u64 seen;
	struct bpf_refcount rc;
};

struct tracked_slot {
	struct tracked __kptr *t;
};

/* With a graph node, an RCU load is also a non-owning reference (MEM_RCU | MEM_ALLOC | NON_OWN_REF). */
struct listed {
	__u64 seen;
	struct bpf_refcount rc;
	struct bpf_list_node link;
};

struct listed_slot {
	struct listed __kptr *l;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct listed_slot);
	__uint(max_entries, 16);
} listed_slots SEC(".maps");

private(LISTED) struct bpf_spin_lock listed_lock;
private(LISTED) struct bpf_list_head listed_list __contains(listed, link);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct tracked_slot);
	__uint(max_entries, 16);
} tracked_slots SEC(".maps");

SEC("tc")
__description("refcount_acquire: a type with no special field at all")
__failure __msg("Couldn't find btf_record")
int acquire_bare(struct __sk_buff *ctx)
{
	struct bare *o = bpf_obj_new(struct bare);
	struct bare *o2;

	if (!o)
		return 0;
	o2 = bpf_refcount_acquire(o);
	bpf_obj_drop(o2);
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("refcount_acquire: a type whose only special field is its bpf_refcount")
__success
int acquire_only_rc(struct __sk_buff *ctx)
{
	struct only_rc *o = bpf_obj_new(struct only_rc);
	struct only_rc *o2;

	if (!o)
		return 0;
	o2 = bpf_refcount_acquire(o);
	bpf_obj_drop(o2);
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("kptr_xchg: stash a new object")
__success
int xchg_new(struct __sk_buff *ctx)
{
	__u32 k0 = 0;
	struct tracked_slot *a = bpf_map_lookup_elem(&tracked_slots, &k0);
	struct tracked *t, *old;

	if (!a)
		return 0;
	t = bpf_obj_new(struct tracked);
	if (!t)
		return 0;
	old = bpf_kptr_xchg(&a->t, t);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("kptr_xchg: stash a new object before its NULL check")
__failure __msg("invalid PTR_TO_BTF_ID register for type match")
int xchg_new_unchecked(struct __sk_buff *ctx)
{
	__u32 k0 = 0;
	struct tracked_slot *a = bpf_map_lookup_elem(&tracked_slots, &k0);
	struct tracked *t, *old;

	if (!a)
		return 0;
	t = bpf_obj_new(struct tracked);
	old = bpf_kptr_xchg(&a->t, t);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("kptr_xchg: an RCU-loaded local kptr as the new value")
__failure __msg("invalid PTR_TO_BTF_ID register for type match")
int xchg_rcu_loaded(struct __sk_buff *ctx)
{
	__u32 k0 = 0, k1 = 1;
	struct tracked_slot *a = bpf_map_lookup_elem(&tracked_slots, &k0);
	struct tracked_slot *b = bpf_map_lookup_elem(&tracked_slots, &k1);
	struct tracked *t, *old;

	if (!a || !b)
		return 0;
	t = a->t;
	if (!t)
		return 0;
	old = bpf_kptr_xchg(&b->t, t);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("kptr_xchg: a refcount_acquire'd copy of an RCU-loaded kptr as the new value")
__success
int xchg_acquired_copy(struct __sk_buff *ctx)
{
	__u32 k0 = 0, k1 = 1;
	struct tracked_slot *a = bpf_map_lookup_elem(&tracked_slots, &k0);
	struct tracked_slot *b = bpf_map_lookup_elem(&tracked_slots, &k1);
	struct tracked *t, *ref, *old;

	if (!a || !b)
		return 0;
	t = a->t;
	if (!t)
		return 0;
	ref = bpf_refcount_acquire(t);
	if (!ref)
		return 0;
	old = bpf_kptr_xchg(&b->t, ref);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("kptr_xchg: an RCU-loaded kptr to a list node type as the new value")
__failure __msg("R2 type=rcu_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_")
int xchg_rcu_loaded_node(struct __sk_buff *ctx)
{
	__u32 k0 = 0, k1 = 1;
	struct listed_slot *a = bpf_map_lookup_elem(&listed_slots, &k0);
	struct listed_slot *b = bpf_map_lookup_elem(&listed_slots, &k1);
	struct listed *l, *old;

	if (!a || !b)
		return 0;
	l = a->l;
	if (!l)
		return 0;
	old = bpf_kptr_xchg(&b->l, l);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("kptr_xchg: stash a new list node object")
__success
int xchg_new_node(struct __sk_buff *ctx)
{
	__u32 k0 = 0;
	struct listed_slot *a = bpf_map_lookup_elem(&listed_slots, &k0);
	struct listed *l, *old;

	if (!a)
		return 0;
	l = bpf_obj_new(struct listed);
	if (!l)
		return 0;
	old = bpf_kptr_xchg(&a->l, l);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

BPF_VERDICT_LICENSE;
