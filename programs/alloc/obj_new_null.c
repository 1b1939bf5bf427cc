// SPDX-License-Identifier: GPL-2.0
/* R1: the result of bpf_obj_new may be NULL; it must be checked before it is used. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct counter_obj {
	long hits;
	long misses;
};

SEC("tc")
__description("obj_new: NULL check, write, drop")
__success
int obj_new_checked(struct __sk_buff *ctx)
{
	struct counter_obj *c = bpf_obj_new(struct counter_obj);

	if (!c)
		return 0;
	c->hits = 1;
	c->misses = c->hits + 1;
	bpf_obj_drop(c);
	return 0;
}

SEC("tc")
__description("obj_new: write before the NULL check")
__failure __msg("R0 invalid mem access 'ptr_or_null_'")
int obj_new_deref_unchecked(struct __sk_buff *ctx)
{
	struct counter_obj *c = bpf_obj_new(struct counter_obj);

	c->hits = 1;
	if (c)
		bpf_obj_drop(c);
	return 0;
}

SEC("tc")
__description("obj_new: drop without a NULL check")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
__kernel("7.3-") __msg("Possibly NULL pointer passed to trusted R1")
int obj_new_drop_unchecked(struct __sk_buff *ctx)
{
	struct counter_obj *c = bpf_obj_new(struct counter_obj);

	bpf_obj_drop(c);
	return 0;
}

BPF_VERDICT_LICENSE;
