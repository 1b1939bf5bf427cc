// SPDX-License-Identifier: GPL-2.0
/* R8: a list operation needs the lock of the same map value (or object) held right then. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct conn_rec {
	__u32 saddr;
	struct bpf_list_node link;
};

struct conn_table {
	__u64 generation;
	struct bpf_spin_lock lock;
	struct bpf_list_head conns __contains(conn_rec, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct conn_table);
	__uint(max_entries, 2);
} conn_tables SEC(".maps");

SEC("tc")
__description("lock: pop under the value's own lock")
__success
int pop_with_lock(struct __sk_buff *ctx)
{
	int key = 1;
	struct conn_table *t = bpf_map_lookup_elem(&conn_tables, &key);
	struct bpf_list_node *n;

	if (!t)
		return 0;
	bpf_spin_lock(&t->lock);
	n = bpf_list_pop_back(&t->conns);
	t->generation++;
	bpf_spin_unlock(&t->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct conn_rec, link));
	return 0;
}

SEC("tc")
__description("lock: pop without taking the lock")
__failure __msg("bpf_spin_lock at off=8 must be held for bpf_list_head")
int pop_without_lock(struct __sk_buff *ctx)
{
	int key = 0;
	struct conn_table *t = bpf_map_lookup_elem(&conn_tables, &key);
	struct bpf_list_node *n;

	if (!t)
		return 0;
	n = bpf_list_pop_front(&t->conns);
	if (n)
		bpf_obj_drop(container_of(n, struct conn_rec, link));
	return 0;
}

SEC("tc")
__description("lock: lock of entry 0 held, list of entry 1 used")
__failure __msg("held lock and object are not in the same allocation")
__msg("bpf_spin_lock at off=8 must be held for bpf_list_head")
int push_other_entry(struct __sk_buff *ctx)
{
	int k0 = 0, k1 = 1;
	struct conn_table *a = bpf_map_lookup_elem(&conn_tables, &k0);
	struct conn_table *b = bpf_map_lookup_elem(&conn_tables, &k1);
	struct conn_rec *c;

	if (!a || !b)
		return 0;
	c = bpf_obj_new(struct conn_rec);
	if (!c)
		return 0;
	bpf_spin_lock(&a->lock);
	bpf_list_push_front(&b->conns, &c->link);
	bpf_spin_unlock(&a->lock);
	return 0;
}

SEC("tc")
__description("lock: two lookups of the same key are two different locks to the verifier")
__failure __msg("held lock and object are not in the same allocation")
int push_same_key_twice(struct __sk_buff *ctx)
{
	int k = 0;
	struct conn_table *a = bpf_map_lookup_elem(&conn_tables, &k);
	struct conn_table *b = bpf_map_lookup_elem(&conn_tables, &k);
	struct conn_rec *c;

	if (!a || !b)
		return 0;
	c = bpf_obj_new(struct conn_rec);
	if (!c)
		return 0;
	bpf_spin_lock(&a->lock);
	bpf_list_push_front(&b->conns, &c->link);
	bpf_spin_unlock(&a->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
