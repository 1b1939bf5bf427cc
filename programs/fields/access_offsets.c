// SPDX-License-Identifier: GPL-2.0
/* Loads and stores through a local object at a variable or negative offset
 * (check_ptr_to_btf_access): refused, with the offset as each line holds it. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct ao_item {
	__u64 v[4];
};

SEC("tc")
__description("access offsets: a store through a local object at a variable offset")
__failure __msg("is ptr_ao_item invalid variable offset")
int store_var_off(struct __sk_buff *ctx)
{
	struct ao_item *p = bpf_obj_new(struct ao_item);
	__u32 i = ctx->len & 3;

	if (!p)
		return 0;
	p->v[i] = 1;
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("access offsets: a load before a local object's start")
__failure __msg("is ptr_ao_item invalid negative access: off=-8")
int load_negative(struct __sk_buff *ctx)
{
	struct ao_item *p = bpf_obj_new(struct ao_item);
	__u64 x;

	if (!p)
		return 0;
	x = *((volatile __u64 *)p - 1);
	bpf_obj_drop(p);
	return x;
}

char _license[] SEC("license") = "GPL";
