// SPDX-License-Identifier: GPL-2.0
/* A program whose licence is not GPL-compatible: plain helpers are fine, gpl_only helpers
 * (bpf_trace_printk) are refused at the call, and any kfunc call is refused before the walk
 * (add_kfunc_call), wherever it is. */
#include "basics.h"

extern void bpf_rcu_read_lock(void) __attribute__((section(".ksyms")));
extern void bpf_rcu_read_unlock(void) __attribute__((section(".ksyms")));

SEC("tc")
__description("licence: plain helpers in a non-GPL program")
__success
int plain_helper(struct __sk_buff *ctx)
{
	return bpf_ktime_get_ns() & 1;
}

SEC("tc")
__description("licence: a gpl_only helper in a non-GPL program")
__failure __msg("cannot call GPL-restricted function from non-GPL compatible program")
int gpl_helper(struct __sk_buff *ctx)
{
	char fmt[] = "x";

	return bpf_trace_printk(fmt, sizeof(fmt));
}

SEC("tc")
__description("licence: a kfunc call after a return in a non-GPL program")
__failure __msg("cannot call kernel function from non-GPL compatible program")
int kfunc_non_gpl(struct __sk_buff *ctx)
{
	if (ctx->mark != 7)
		return 0;
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 1;
}

char _license[] SEC("license") = "Proprietary";
