// SPDX-License-Identifier: GPL-2.0
/* R3: every owning reference must be handed on (dropped, inserted, stashed) before the program
 * exits, on every path. The NULL branch of a maybe-NULL reference holds nothing. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct flow_stat {
	__u64 packets;
	__u64 bytes;
};

SEC("tc")
__description("leak: dropped on both branches")
__success
int no_leak_both_paths(struct __sk_buff *ctx)
{
	struct flow_stat *s = bpf_obj_new(struct flow_stat);

	if (!s)
		return 0;
	s->packets = 1;
	if (ctx->len > 100) {
		s->bytes = ctx->len;
		bpf_obj_drop(s);
		return 1;
	}
	bpf_obj_drop(s);
	return 0;
}

SEC("tc")
__description("leak: never dropped")
__failure __msg("Unreleased reference id=")
int leak_simple(struct __sk_buff *ctx)
{
	struct flow_stat *s = bpf_obj_new(struct flow_stat);

	if (!s)
		return 0;
	s->packets = 1;
	return 0;
}

SEC("tc")
__description("leak: dropped on one branch only")
__failure __msg("Unreleased reference id={{[0-9]+}} alloc_insn={{[0-9]+}}")
int leak_one_branch(struct __sk_buff *ctx)
{
	struct flow_stat *s = bpf_obj_new(struct flow_stat);

	if (!s)
		return 0;
	if (ctx->len > 100)
		return 1;
	bpf_obj_drop(s);
	return 0;
}

BPF_VERDICT_LICENSE;
