// SPDX-License-Identifier: GPL-2.0
/* Global subprograms are verified on their own, with only their arguments known: they can work on
 * global roots, and must balance their own locks and references. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct gitem {
	__u64 v;
	struct bpf_list_node link;
};

private(GLIST) struct bpf_spin_lock glist_lock;
private(GLIST) struct bpf_list_head glist __contains(gitem, link);

__noinline int glist_add(__u64 v)
{
	struct gitem *g = bpf_obj_new(struct gitem);

	if (!g)
		return -1;
	g->v = v;
	bpf_spin_lock(&glist_lock);
	bpf_list_push_front(&glist, &g->link);
	bpf_spin_unlock(&glist_lock);
	return 0;
}

__noinline int glist_trim(void)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&glist_lock);
	n = bpf_list_pop_back(&glist);
	bpf_spin_unlock(&glist_lock);
	if (!n)
		return 0;
	bpf_obj_drop(container_of(n, struct gitem, link));
	return 1;
}

__noinline int glist_pop_leaky(void)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&glist_lock);
	n = bpf_list_pop_back(&glist);
	bpf_spin_unlock(&glist_lock);
	return n != NULL;
}

__noinline int glist_lock_only(void)
{
	bpf_spin_lock(&glist_lock);
	return 0;
}

SEC("tc")
__description("global subprogs: add and trim")
__success
int global_add_trim(struct __sk_buff *ctx)
{
	glist_add(ctx->len);
	return glist_trim();
}

SEC("tc")
__description("global subprogs: callee pops and leaks")
__failure __msg("Unreleased reference id=")
int global_callee_leaks(struct __sk_buff *ctx)
{
	return glist_pop_leaky();
}

SEC("tc")
__description("global subprogs: callee returns with the lock held")
__failure __msg("bpf_spin_unlock is missing")
__kernel("7.3-") __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region")
int global_callee_keeps_lock(struct __sk_buff *ctx)
{
	glist_lock_only();
	return 0;
}

BPF_VERDICT_LICENSE;
