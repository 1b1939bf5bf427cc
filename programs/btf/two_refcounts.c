// SPDX-License-Identifier: GPL-2.0
/* BTF-load failure (6.12.y backport "Mark bpf_refcount field as unique"): two bpf_refcount fields
 * in one type.
 *
 * Declared __failure without __msg: the kernel's answer is an errno from BTF load, not a verifier
 * message. (libbpf 1.1 then drops the object's BTF and loads anyway, so the verifier log that
 * follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF": a consequence, not the rule.) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct double_counted {
	struct bpf_refcount a;
	struct bpf_refcount b;
	struct bpf_list_node link;
};

SEC("tc")
__description("btf: two bpf_refcount fields")
__failure
int btf_two_refcounts(struct __sk_buff *ctx)
{
	struct double_counted *d = bpf_obj_new(struct double_counted);

	if (d)
		bpf_obj_drop(d);
	return 0;
}

BPF_VERDICT_LICENSE;
