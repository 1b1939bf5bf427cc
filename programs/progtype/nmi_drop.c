// SPDX-License-Identifier: GPL-2.0
/* Freeing a local object in a tracing program: 7.x refuses bpf_obj_drop there when the type holds
 * a field an NMI-time free must not touch (list/rb nodes and roots, referenced kptrs); a type of
 * scalars (or with only NMI-safe fields) may still be dropped. 6.12 allows both. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct nmi_item {
	__u64 v;
	struct bpf_list_node link;
};

struct nmi_pair {
	__u64 a, b;
};

SEC("tp/syscalls/sys_enter_nanosleep")
__description("tracing drop: a tracepoint frees an object holding a bpf_list_node")
__success
__kernel("7.3-") __failure __msg("bpf_obj_drop_impl cannot be used in tracing programs on types with NMI unsafe fields")
int tp_drop_node(void *ctx)
{
	struct nmi_item *n = bpf_obj_new(struct nmi_item);

	if (!n)
		return 0;
	bpf_obj_drop(n);
	return 0;
}

SEC("tp/syscalls/sys_enter_nanosleep")
__description("tracing drop: a tracepoint frees an object of scalars")
__success
int tp_drop_scalars(void *ctx)
{
	struct nmi_pair *s = bpf_obj_new(struct nmi_pair);

	if (!s)
		return 0;
	s->a = 1;
	bpf_obj_drop(s);
	return 0;
}

char _license[] SEC("license") = "GPL";
