// SPDX-License-Identifier: GPL-2.0
/* Lock state along paths: a lock taken under a condition and released under the same condition,
 * a lock taken in a callee and released by the caller, lock identity of local objects kept
 * through copies. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct gauge {
	struct bpf_spin_lock lock;
	__s64 level;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct gauge);
	__uint(max_entries, 1);
} gauges SEC(".maps");

static __noinline void gauge_lock(struct gauge *g)
{
	bpf_spin_lock(&g->lock);
}

SEC("tc")
__description("lock paths: lock and unlock under the same condition")
__success
int cond_lock_cond_unlock(struct __sk_buff *ctx)
{
	int k = 0;
	struct gauge *g = bpf_map_lookup_elem(&gauges, &k);
	__u32 locked = ctx->mark & 1;

	if (!g)
		return 0;
	if (locked)
		bpf_spin_lock(&g->lock);
	g->level += 1;	/* racy when unlocked; the verifier doesn't mind */
	if (locked)
		bpf_spin_unlock(&g->lock);
	return 0;
}

SEC("tc")
__description("lock paths: lock taken in a static callee, released by the caller")
__success
int callee_locks_caller_unlocks(struct __sk_buff *ctx)
{
	int k = 0;
	struct gauge *g = bpf_map_lookup_elem(&gauges, &k);

	if (!g)
		return 0;
	gauge_lock(g);
	g->level -= 1;
	bpf_spin_unlock(&g->lock);
	return 0;
}

SEC("tc")
__description("lock paths: local object locked through one copy, unlocked through another")
__success
int local_lock_via_copy(struct __sk_buff *ctx)
{
	struct gauge *g = bpf_obj_new(struct gauge), *alias;

	if (!g)
		return 0;
	alias = g;
	bpf_spin_lock(&g->lock);
	alias->level = 5;
	bpf_spin_unlock(&alias->lock);
	bpf_obj_drop(g);
	return 0;
}

SEC("tc")
__description("lock paths (bug): two local objects, lock one, unlock the other")
__failure __msg("bpf_spin_unlock of different lock")
int local_unlock_other(struct __sk_buff *ctx)
{
	struct gauge *a = bpf_obj_new(struct gauge);
	struct gauge *b = bpf_obj_new(struct gauge);

	if (!a || !b) {
		if (a)
			bpf_obj_drop(a);
		if (b)
			bpf_obj_drop(b);
		return 0;
	}
	bpf_spin_lock(&a->lock);
	bpf_spin_unlock(&b->lock);
	bpf_obj_drop(a);
	bpf_obj_drop(b);
	return 0;
}

SEC("tc")
__description("lock paths (bug): unlocked under a different condition than locked")
__failure __msg("bpf_spin_unlock is missing")
__kernel("7.3-") __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region")
int cond_lock_other_cond(struct __sk_buff *ctx)
{
	int k = 0;
	struct gauge *g = bpf_map_lookup_elem(&gauges, &k);
	__u32 m = ctx->mark;

	if (!g)
		return 0;
	if (m & 1)
		bpf_spin_lock(&g->lock);
	g->level += 1;
	if (m & 2)
		bpf_spin_unlock(&g->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
