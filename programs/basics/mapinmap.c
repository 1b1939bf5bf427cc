// SPDX-License-Identifier: GPL-2.0
/* Map-in-map: a lookup in an ARRAY_OF_MAPS gives, once NULL-checked, the inner map (the template
 * declared with __array(values, ...) stands for every inner map); each lookup in it gives a map
 * value with a fresh id, so a lock taken through one lookup is not the lock of another. */
#include "basics.h"

struct counter {
	struct bpf_spin_lock lock;
	__u64 n;
};

/* a map of its own too, so clang emits struct counter in full (not a forward declaration) */
struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct counter);
	__uint(max_entries, 1);
} inner_tmpl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, int);
	__array(values, struct inner_array);
} outer SEC(".maps") = {
	.values = { [0] = &inner_tmpl },
};

SEC("tc")
__description("map-in-map: lock and unlock a value of the inner map")
__success
int inner_lock(struct __sk_buff *ctx)
{
	int k = 0;
	struct counter *c;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &k);
	if (!inner)
		return 0;
	c = bpf_map_lookup_elem(inner, &k);
	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	c->n++;
	bpf_spin_unlock(&c->lock);
	return 0;
}

SEC("tc")
__description("map-in-map: the outer lookup must be NULL-checked before the inner lookup")
__failure __msg("R1 type=map_value_or_null expected=map_ptr")
__kernel("7.3-") __msg("R1 type=map_ptr_or_null expected=map_ptr")
int inner_no_null_check(struct __sk_buff *ctx)
{
	int k = 0;
	void *inner = bpf_map_lookup_elem(&outer, &k);
	struct counter *c;

	c = bpf_map_lookup_elem(inner, &k);
	return c ? 1 : 0;
}

SEC("tc")
__description("map-in-map: two lookups of the inner map hold different locks")
__failure __msg("bpf_spin_unlock of different lock")
int inner_two_locks(struct __sk_buff *ctx)
{
	int k = 0;
	struct counter *a, *b;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &k);
	if (!inner)
		return 0;
	a = bpf_map_lookup_elem(inner, &k);
	if (!a)
		return 0;
	b = bpf_map_lookup_elem(inner, &k);
	if (!b)
		return 0;
	bpf_spin_lock(&a->lock);
	bpf_spin_unlock(&b->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
