// SPDX-License-Identifier: GPL-2.0
/* R2: bpf_obj_new's type argument is a constant BTF id of a struct in the program's own BTF. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct sample_rec {
	__u64 ts;
	__u32 cpu;
};

int type_choice;

SEC("tc")
__description("obj_new: local type id of a struct")
__success
int obj_new_struct_type(struct __sk_buff *ctx)
{
	struct sample_rec *r = bpf_obj_new(struct sample_rec);

	if (!r)
		return 0;
	r->ts = bpf_ktime_get_ns();
	bpf_obj_drop(r);
	return 0;
}

SEC("tc")
__description("obj_new: type id is not a known constant")
__failure __msg("R1 must be a known constant")
int obj_new_variable_type(struct __sk_buff *ctx)
{
	struct sample_rec *r;

	r = bpf_obj_new_impl(bpf_local_type_id(struct sample_rec) + type_choice, NULL);
	if (r)
		bpf_obj_drop(r);
	return 0;
}

SEC("tc")
__description("obj_new: type id names an int, not a struct")
__failure __msg("bpf_obj_new/bpf_percpu_obj_new type ID argument must be of a struct")
int obj_new_scalar_type(struct __sk_buff *ctx)
{
	int *v = bpf_obj_new(int);

	if (v)
		bpf_obj_drop(v);
	return 0;
}

SEC("tc")
__description("obj_new: type id constant wider than 32 bits")
__failure __msg("local type ID argument must be in range [0, U32_MAX]")
int obj_new_type_out_of_range(struct __sk_buff *ctx)
{
	struct sample_rec *r = bpf_obj_new_impl(0x100000000ULL + bpf_local_type_id(struct sample_rec), NULL);

	if (r)
		bpf_obj_drop(r);
	return 0;
}

BPF_VERDICT_LICENSE;
