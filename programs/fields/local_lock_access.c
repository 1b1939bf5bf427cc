// SPDX-License-Identifier: GPL-2.0
/* R37: the lock and the root inside a local object are special fields too. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct sub_item {
	__u64 v;
	struct bpf_list_node link;
};

struct sub_tree_item {
	__u64 v;
	struct bpf_rb_node rb;
};

struct tree_obj {
	struct bpf_spin_lock lock;
	struct bpf_rb_root tree __contains(sub_tree_item, rb);
};

struct container_obj {
	__u64 id;
	struct bpf_spin_lock lock;
	struct bpf_list_head items __contains(sub_item, link);
};

SEC("tc")
__description("local fields: id written, items used under the object's lock")
__success
int local_container_ok(struct __sk_buff *ctx)
{
	struct container_obj *c = bpf_obj_new(struct container_obj);
	struct sub_item *s = bpf_obj_new(struct sub_item);

	if (!c || !s) {
		if (c)
			bpf_obj_drop(c);
		if (s)
			bpf_obj_drop(s);
		return 0;
	}
	c->id = 7;
	bpf_spin_lock(&c->lock);
	bpf_list_push_front(&c->items, &s->link);
	bpf_spin_unlock(&c->lock);
	bpf_obj_drop(c);
	return 0;
}

SEC("tc")
__description("local fields: read the lock word of a local object")
__failure __msg("direct access to bpf_spin_lock is disallowed")
int local_read_lock(struct __sk_buff *ctx)
{
	struct container_obj *c = bpf_obj_new(struct container_obj);
	__u32 w;

	if (!c)
		return 0;
	w = *(volatile __u32 *)&c->lock;
	bpf_obj_drop(c);
	return w;
}

SEC("tc")
__description("local fields: write the list head of a local object")
__failure __msg("direct access to bpf_list_head is disallowed")
int local_write_head(struct __sk_buff *ctx)
{
	struct container_obj *c = bpf_obj_new(struct container_obj);

	if (!c)
		return 0;
	*(volatile __u64 *)&c->items = 0;
	bpf_obj_drop(c);
	return 0;
}

SEC("tc")
__description("local fields: read the rb root of a local object")
__failure __msg("direct access to bpf_rb_root is disallowed")
int local_read_rb_root(struct __sk_buff *ctx)
{
	struct tree_obj *t = bpf_obj_new(struct tree_obj);
	struct sub_tree_item *it = bpf_obj_new(struct sub_tree_item);
	__u64 w;

	if (it)
		bpf_obj_drop(it);
	if (!t)
		return 0;
	w = *(volatile __u64 *)&t->tree;
	bpf_obj_drop(t);
	return w != 0;
}

BPF_VERDICT_LICENSE;
