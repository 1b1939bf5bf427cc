// SPDX-License-Identifier: GPL-2.0
/* BTF-load failure: a type with both a list node and an rb node needs a bpf_refcount (it could be
 * in two collections at once).
 *
 * Declared __failure without __msg: the kernel's answer is an errno from BTF load, not a verifier
 * message. (libbpf 1.1 then drops the object's BTF and loads anyway, so the verifier log that
 * follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF": a consequence, not the rule.) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct dual_item {
	__u64 v;
	struct bpf_list_node link;
	struct bpf_rb_node rb;
};

SEC("tc")
__description("btf: list node and rb node without bpf_refcount")
__failure
int btf_both_nodes_no_refcount(struct __sk_buff *ctx)
{
	struct dual_item *d = bpf_obj_new(struct dual_item);

	if (d)
		bpf_obj_drop(d);
	return 0;
}

BPF_VERDICT_LICENSE;
