// SPDX-License-Identifier: GPL-2.0
/* Map-create failure: a list head whose __contains names an rb node.
 *
 * Declared __failure without __msg: the kernel's answer is an errno at BTF load / map creation,
 * not a verifier message. (With libbpf 1.1 the object's BTF is dropped and loading goes on, so the
 * log that follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF".) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct tree_only_item {
	__u64 v;
	struct bpf_rb_node rb;
};

struct wrong_kind_value {
	struct bpf_spin_lock lock;
	struct bpf_list_head head __contains(tree_only_item, rb);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct wrong_kind_value);
	__uint(max_entries, 1);
} wrong_kind SEC(".maps");

SEC("tc")
__description("btf: list head __contains an rb node field")
__failure
int btf_contains_wrong_kind(struct __sk_buff *ctx)
{
	int k = 0;
	struct wrong_kind_value *v = bpf_map_lookup_elem(&wrong_kind, &k);
	struct tree_only_item *it;
	struct bpf_list_node *n;

	if (!v)
		return 0;
	it = bpf_obj_new(struct tree_only_item);
	if (it)
		bpf_obj_drop(it);
	bpf_spin_lock(&v->lock);
	n = bpf_list_pop_front(&v->head);
	bpf_spin_unlock(&v->lock);
	if (n)
		bpf_obj_drop(n);
	return 0;
}

BPF_VERDICT_LICENSE;
