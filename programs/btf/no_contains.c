// SPDX-License-Identifier: GPL-2.0
/* Map-create failure: a list head without a __contains tag; the kernel can't tell what goes in.
 *
 * Declared __failure without __msg: the kernel's answer is an errno at BTF load / map creation,
 * not a verifier message. (With libbpf 1.1 the object's BTF is dropped and loading goes on, so the
 * log that follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF".) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct untagged_item {
	__u64 v;
	struct bpf_list_node link;
};

struct untagged_value {
	struct bpf_spin_lock lock;
	struct bpf_list_head head;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct untagged_value);
	__uint(max_entries, 1);
} untagged SEC(".maps");

SEC("tc")
__description("btf: list head without __contains")
__failure
int btf_no_contains(struct __sk_buff *ctx)
{
	int k = 0;
	struct untagged_value *v = bpf_map_lookup_elem(&untagged, &k);
	struct untagged_item *it;

	if (!v)
		return 0;
	it = bpf_obj_new(struct untagged_item);
	if (!it)
		return 0;
	bpf_spin_lock(&v->lock);
	bpf_list_push_back(&v->head, &it->link);
	bpf_spin_unlock(&v->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
