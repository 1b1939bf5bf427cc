// SPDX-License-Identifier: GPL-2.0
/* R6-R13 for trees: rb root and rb node arguments must be the declared fields. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct sock_ent {
	__u64 cookie;
	struct bpf_rb_node by_cookie;
	struct bpf_rb_node by_port;
	__u16 port;
};

struct other_ent {
	__u64 cookie;
	struct bpf_rb_node rb;
};

struct sock_index {
	struct bpf_rb_root cookies __contains(sock_ent, by_cookie);
	__u64 count;
	struct bpf_spin_lock lock;
	struct bpf_rb_root ports __contains(sock_ent, by_port);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct sock_index);
	__uint(max_entries, 16);
} sock_indexes SEC(".maps");

static bool cookie_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct sock_ent, by_cookie)->cookie <
	       container_of(b, struct sock_ent, by_cookie)->cookie;
}

static bool port_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct sock_ent, by_port)->port <
	       container_of(b, struct sock_ent, by_port)->port;
}

static bool other_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct other_ent, rb)->cookie <
	       container_of(b, struct other_ent, rb)->cookie;
}

SEC("tc")
__description("rb root/node: add into the ports tree of a hash-map value")
__success
int rb_add_by_port(struct __sk_buff *ctx)
{
	__u32 key = ctx->ifindex;
	struct sock_index *ix = bpf_map_lookup_elem(&sock_indexes, &key);
	struct sock_ent *s;

	if (!ix)
		return 0;
	s = bpf_obj_new(struct sock_ent);
	if (!s)
		return 0;
	s->port = ctx->hash & 0xffff;
	bpf_spin_lock(&ix->lock);
	bpf_rbtree_add(&ix->ports, &s->by_port, port_less);
	ix->count++;
	bpf_spin_unlock(&ix->lock);
	return 0;
}

SEC("tc")
__description("rb root/node: add without the lock")
__failure __msg("bpf_spin_lock at off=24 must be held for bpf_rb_root")
int rb_add_unlocked(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct sock_index *ix = bpf_map_lookup_elem(&sock_indexes, &key);
	struct sock_ent *s;

	if (!ix)
		return 0;
	s = bpf_obj_new(struct sock_ent);
	if (!s)
		return 0;
	bpf_rbtree_add(&ix->cookies, &s->by_cookie, cookie_less);
	return 0;
}

SEC("tc")
__description("rb root/node: the count field passed as a tree root")
__failure __msg("bpf_rb_root not found at offset=16")
int rb_root_wrong_field(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct sock_index *ix = bpf_map_lookup_elem(&sock_indexes, &key);
	struct bpf_rb_node *n;

	if (!ix)
		return 0;
	bpf_spin_lock(&ix->lock);
	n = bpf_rbtree_first((struct bpf_rb_root *)&ix->count);
	bpf_spin_unlock(&ix->lock);
	return n != NULL;
}

SEC("tc")
__description("rb root/node: by_cookie node added to the ports tree")
__failure __msg("arg#1 offset=8, but expected bpf_rb_node at offset=40 in struct sock_ent")
int rb_wrong_node_field(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct sock_index *ix = bpf_map_lookup_elem(&sock_indexes, &key);
	struct sock_ent *s;

	if (!ix)
		return 0;
	s = bpf_obj_new(struct sock_ent);
	if (!s)
		return 0;
	bpf_spin_lock(&ix->lock);
	bpf_rbtree_add(&ix->ports, &s->by_cookie, cookie_less);
	bpf_spin_unlock(&ix->lock);
	return 0;
}

SEC("tc")
__description("rb root/node: node of another type")
__failure __msg("operation on bpf_rb_root expects arg#1 bpf_rb_node at offset=8 in struct sock_ent, but arg is at offset=8 in struct other_ent")
int rb_wrong_node_type(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct sock_index *ix = bpf_map_lookup_elem(&sock_indexes, &key);
	struct other_ent *o;

	if (!ix)
		return 0;
	o = bpf_obj_new(struct other_ent);
	if (!o)
		return 0;
	bpf_spin_lock(&ix->lock);
	bpf_rbtree_add(&ix->cookies, &o->rb, other_less);
	bpf_spin_unlock(&ix->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
