// SPDX-License-Identifier: GPL-2.0
/* BTF-load failure: a local object type with two bpf_spin_locks. The kernel refuses the program's
 * BTF (struct metas allow one lock per struct).
 *
 * Declared __failure without __msg: the kernel's answer is an errno from BTF load, not a verifier
 * message. (libbpf 1.1 then drops the object's BTF and loads anyway, so the verifier log that
 * follows is "bpf_obj_new/bpf_percpu_obj_new requires prog BTF": a consequence, not the rule.) */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct two_locked {
	struct bpf_spin_lock a;
	struct bpf_spin_lock b;
	__u64 v;
};

SEC("tc")
__description("btf: local type with two bpf_spin_lock fields")
__failure
int btf_two_locks(struct __sk_buff *ctx)
{
	struct two_locked *t = bpf_obj_new(struct two_locked);

	if (!t)
		return 0;
	bpf_obj_drop(t);
	return 0;
}

BPF_VERDICT_LICENSE;
