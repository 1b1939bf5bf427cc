// SPDX-License-Identifier: GPL-2.0
/* A classic pitfall: the node type named by __contains never reaches the object's BTF (clang emits
 * a type only when something refers to it, e.g. bpf_obj_new's type id). This program only pops, so
 * `struct absent_item` is missing; the head's record is not built and the datasec map ends up
 * without a usable lock record. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct absent_item {
	__u64 v;
	struct bpf_list_node link;
};

private(ABSENT) struct bpf_spin_lock absent_lock;
private(ABSENT) struct bpf_list_head absent_head __contains(absent_item, link);

SEC("tc")
__description("btf: __contains names a struct that is not in the object's BTF")
__failure __msg("map '.bss.ABSENT' has no valid bpf_spin_lock")
int btf_contains_missing_type(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&absent_lock);
	n = bpf_list_pop_front(&absent_head);
	bpf_spin_unlock(&absent_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct absent_item, link));
	return 0;
}

BPF_VERDICT_LICENSE;
