// SPDX-License-Identifier: GPL-2.0
/* __contains names a field the node type doesn't have. In a global-data section the map is still
 * created, but without a usable record, so the first bpf_spin_lock on it is what fails. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct misnamed_item {
	__u64 v;
	struct bpf_list_node link;
};

private(MISNAMED) struct bpf_spin_lock misnamed_lock;
private(MISNAMED) struct bpf_list_head misnamed_head __contains(misnamed_item, node);

SEC("tc")
__description("btf: __contains names a missing node field")
__failure __msg("map '.bss.MISNAMED' has no valid bpf_spin_lock")
int btf_contains_bad_field(struct __sk_buff *ctx)
{
	struct misnamed_item *it = bpf_obj_new(struct misnamed_item);

	if (!it)
		return 0;
	bpf_spin_lock(&misnamed_lock);
	bpf_list_push_back(&misnamed_head, &it->link);
	bpf_spin_unlock(&misnamed_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
