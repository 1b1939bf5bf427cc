// SPDX-License-Identifier: GPL-2.0
/* R31: the main program may not exit with a lock held, on any path. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ctr_val {
	struct bpf_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct ctr_val);
	__uint(max_entries, 64);
} ctrs SEC(".maps");

SEC("tc")
__description("exit: unlocked on every path")
__success
int exit_unlocked(struct __sk_buff *ctx)
{
	__u32 k = ctx->mark;
	struct ctr_val *v = bpf_map_lookup_elem(&ctrs, &k);

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	if (v->n > 100) {
		v->n = 0;
		bpf_spin_unlock(&v->lock);
		return 1;
	}
	v->n++;
	bpf_spin_unlock(&v->lock);
	return 0;
}

SEC("tc")
__description("exit: returns early with the lock held")
__failure __msg("bpf_spin_unlock is missing")
__kernel("7.3-") __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region")
int exit_locked_branch(struct __sk_buff *ctx)
{
	__u32 k = ctx->mark;
	struct ctr_val *v = bpf_map_lookup_elem(&ctrs, &k);

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	if (v->n > 100)
		return 1;
	v->n++;
	bpf_spin_unlock(&v->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
