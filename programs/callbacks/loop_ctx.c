// SPDX-License-Identifier: GPL-2.0
/* bpf_loop callbacks that reach the roots through their context argument (a map value pointer),
 * and callbacks that must balance their own references. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct chunk {
	__u32 n;
	struct bpf_list_node link;
};

struct chunk_list {
	struct bpf_spin_lock lock;
	struct bpf_list_head chunks __contains(chunk, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct chunk_list);
	__uint(max_entries, 1);
} chunk_lists SEC(".maps");

struct loop_ctx {
	struct chunk_list *cl;
	int moved;
};

static int fill_cb(__u32 i, struct loop_ctx *lc)
{
	struct chunk_list *cl = lc->cl;
	struct chunk *c;

	if (!cl)
		return 1;
	c = bpf_obj_new(struct chunk);
	if (!c)
		return 1;
	c->n = i;
	bpf_spin_lock(&cl->lock);
	bpf_list_push_back(&cl->chunks, &c->link);
	bpf_spin_unlock(&cl->lock);
	lc->moved++;
	return 0;
}

static int leaky_cb(__u32 i, struct loop_ctx *lc)
{
	struct chunk *c = bpf_obj_new(struct chunk);

	if (!c)
		return 1;
	c->n = i;
	return 0;
}

SEC("tc")
__description("bpf_loop ctx: the callback pushes onto a map value passed in its context")
__success
int loop_fill_via_ctx(struct __sk_buff *ctx)
{
	int k = 0;
	struct loop_ctx lc = { .cl = bpf_map_lookup_elem(&chunk_lists, &k) };

	bpf_loop(4, fill_cb, &lc, 0);
	return lc.moved;
}

SEC("tc")
__description("bpf_loop ctx (bug): the callback allocates and keeps nothing")
__failure __msg("Unreleased reference id=")
int loop_callback_leaks(struct __sk_buff *ctx)
{
	struct loop_ctx lc = {};

	bpf_loop(4, leaky_cb, &lc, 0);
	return 0;
}

BPF_VERDICT_LICENSE;
