// SPDX-License-Identifier: GPL-2.0
/* R4: bpf_obj_drop takes an owning reference to the start of a local object. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct job_rec {
	int prio;
	struct bpf_list_node link;
};

SEC("tc")
__description("obj_drop: owning reference at offset 0")
__success
int drop_owning(struct __sk_buff *ctx)
{
	struct job_rec *j = bpf_obj_new(struct job_rec);

	if (!j)
		return 0;
	j->prio = 3;
	bpf_obj_drop(j);
	return 0;
}

SEC("tc")
__description("obj_drop: dropped twice (the first drop turned the register into a scalar)")
__failure __msg("R1 must be referenced or trusted")
__kernel("7.3-") __msg("release kfunc bpf_obj_drop_impl expects referenced PTR_TO_BTF_ID passed to R1")
int drop_twice(struct __sk_buff *ctx)
{
	struct job_rec *j = bpf_obj_new(struct job_rec);

	if (!j)
		return 0;
	bpf_obj_drop(j);
	bpf_obj_drop(j);
	return 0;
}

SEC("tc")
__description("obj_drop: pointer to the embedded node, not the object")
__failure __msg("R1 must have zero offset when passed to release func or trusted arg to kfunc")
int drop_interior_pointer(struct __sk_buff *ctx)
{
	struct job_rec *j = bpf_obj_new(struct job_rec);

	if (!j)
		return 0;
	bpf_obj_drop(&j->link);
	return 0;
}

SEC("tc")
__description("obj_drop: use after drop")
__failure __msg("invalid mem access 'scalar'")
int use_after_drop(struct __sk_buff *ctx)
{
	struct job_rec *j = bpf_obj_new(struct job_rec);
	int p;

	if (!j)
		return 0;
	bpf_obj_drop(j);
	p = j->prio;
	return p;
}

BPF_VERDICT_LICENSE;
