// SPDX-License-Identifier: GPL-2.0
/* Map-create failure: a list head in a map value that has no bpf_spin_lock to protect it.
 *
 * Declared __failure without __msg: the kernel's answer is an errno at BTF load / map creation,
 * not a verifier message. (With libbpf 1.1 the object's BTF is dropped and loading goes on, so the
 * log that follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF".) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct lonely_item {
	__u64 v;
	struct bpf_list_node link;
};

struct lockless_value {
	__u64 count;
	struct bpf_list_head head __contains(lonely_item, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct lockless_value);
	__uint(max_entries, 1);
} lockless SEC(".maps");

SEC("tc")
__description("btf: list head in a value without a lock")
__failure
int btf_head_without_lock(struct __sk_buff *ctx)
{
	int k = 0;
	struct lockless_value *v = bpf_map_lookup_elem(&lockless, &k);
	struct lonely_item *it = bpf_obj_new(struct lonely_item);

	if (it)
		bpf_obj_drop(it);
	if (v)
		v->count++;
	return 0;
}

BPF_VERDICT_LICENSE;
