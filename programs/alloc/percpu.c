// SPDX-License-Identifier: GPL-2.0
/* Per-CPU local objects: allocated with bpf_percpu_obj_new, freed only with the per-CPU drop. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct pcpu_tally {
	__u64 events;
};

SEC("tc")
__description("percpu obj: new and percpu drop")
__success
int percpu_new_drop(struct __sk_buff *ctx)
{
	struct pcpu_tally __percpu_kptr *t = bpf_percpu_obj_new(struct pcpu_tally);

	if (!t)
		return 0;
	bpf_percpu_obj_drop(t);
	return 0;
}

SEC("tc")
__description("percpu obj: freed with the plain bpf_obj_drop")
__failure __msg("arg#0 expected for bpf_percpu_obj_drop_impl()")
__kernel("7.3-") __msg("R1 expected for bpf_percpu_obj_drop()")
int percpu_plain_drop(struct __sk_buff *ctx)
{
	struct pcpu_tally __percpu_kptr *t = bpf_percpu_obj_new(struct pcpu_tally);

	if (!t)
		return 0;
	bpf_obj_drop(t);
	return 0;
}

SEC("tc")
__description("plain obj freed with bpf_percpu_obj_drop")
__failure __msg("arg#0 expected for bpf_obj_drop_impl()")
__kernel("7.3-") __msg("R1 expected for bpf_obj_drop()")
int plain_percpu_drop(struct __sk_buff *ctx)
{
	struct pcpu_tally *t = bpf_obj_new(struct pcpu_tally);

	if (!t)
		return 0;
	bpf_percpu_obj_drop(t);
	return 0;
}

BPF_VERDICT_LICENSE;
