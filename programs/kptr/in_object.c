// SPDX-License-Identifier: GPL-2.0
/* 6.12: a local object can itself hold a kptr to another local object (bpf_kptr_xchg with an owned
 * object as the destination); dropping the outer object frees the inner one. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct leaf_obj {
	__u64 payload;
};

struct branch_obj {
	__u32 tag;
	struct leaf_obj __kptr *leaf;
};

SEC("tc")
__description("kptr in object: stash a leaf inside a branch, drop the branch")
__success
int kptr_in_owned_object(struct __sk_buff *ctx)
{
	struct branch_obj *br = bpf_obj_new(struct branch_obj);
	struct leaf_obj *lf, *old;

	if (!br)
		return 0;
	lf = bpf_obj_new(struct leaf_obj);
	if (!lf) {
		bpf_obj_drop(br);
		return 0;
	}
	old = bpf_kptr_xchg(&br->leaf, lf);
	if (old)
		bpf_obj_drop(old);
	bpf_obj_drop(br);
	return 0;
}

SEC("tc")
__description("kptr in object: read the kptr field as a plain word")
__failure __msg("direct access to kptr is disallowed")
int kptr_field_read(struct __sk_buff *ctx)
{
	struct branch_obj *br = bpf_obj_new(struct branch_obj);
	__u64 w;

	if (!br)
		return 0;
	w = *(volatile __u64 *)&br->leaf;
	bpf_obj_drop(br);
	return w != 0;
}

BPF_VERDICT_LICENSE;
