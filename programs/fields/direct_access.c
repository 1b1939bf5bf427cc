// SPDX-License-Identifier: GPL-2.0
/* R37: special fields (lock, list/rb nodes and roots, refcount, kptrs) are not readable or
 * writable as memory, neither in local objects nor in map values. Their neighbours are. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct rich_obj {
	__u32 before;
	struct bpf_refcount rc;
	struct bpf_list_node link;
	struct bpf_rb_node rb;
	__u32 after;
};

struct holder {
	struct bpf_spin_lock lock;
	struct bpf_list_head head __contains(rich_obj, link);
	__u64 tail;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct holder);
	__uint(max_entries, 1);
} holders SEC(".maps");

SEC("tc")
__description("fields: ordinary fields next to special ones")
__success
int neighbours_ok(struct __sk_buff *ctx)
{
	struct rich_obj *o = bpf_obj_new(struct rich_obj);
	int k = 0;
	struct holder *h = bpf_map_lookup_elem(&holders, &k);

	if (!o)
		return 0;
	o->before = 1;
	o->after = o->before + 1;
	bpf_obj_drop(o);
	if (h)
		h->tail++;
	return 0;
}

SEC("tc")
__description("fields: read a list node's word")
__failure __msg("direct access to bpf_list_node is disallowed")
int read_list_node(struct __sk_buff *ctx)
{
	struct rich_obj *o = bpf_obj_new(struct rich_obj);
	__u64 w;

	if (!o)
		return 0;
	w = *(volatile __u64 *)&o->link;
	bpf_obj_drop(o);
	return w & 1;
}

SEC("tc")
__description("fields: write the refcount")
__failure __msg("direct access to bpf_refcount is disallowed")
int write_refcount(struct __sk_buff *ctx)
{
	struct rich_obj *o = bpf_obj_new(struct rich_obj);

	if (!o)
		return 0;
	*(volatile __u32 *)&o->rc = 100;
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("fields: zero an rb node in place")
__failure __msg("direct access to bpf_rb_node is disallowed")
int write_rb_node(struct __sk_buff *ctx)
{
	struct rich_obj *o = bpf_obj_new(struct rich_obj);

	if (!o)
		return 0;
	*(volatile __u64 *)((void *)&o->rb + 8) = 0;
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("fields: read a list head in a map value")
__failure __msg("bpf_list_head cannot be accessed directly by load/store")
int read_map_list_head(struct __sk_buff *ctx)
{
	int k = 0;
	struct holder *h = bpf_map_lookup_elem(&holders, &k);

	if (!h)
		return 0;
	return *(volatile __u64 *)&h->head != 0;
}

SEC("tc")
__description("fields: write the spin lock word of a map value")
__failure __msg("bpf_spin_lock cannot be accessed directly by load/store")
int write_map_lock(struct __sk_buff *ctx)
{
	int k = 0;
	struct holder *h = bpf_map_lookup_elem(&holders, &k);

	if (!h)
		return 0;
	*(volatile __u32 *)&h->lock = 0;
	return 0;
}

BPF_VERDICT_LICENSE;
