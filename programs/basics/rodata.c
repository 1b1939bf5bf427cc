// SPDX-License-Identifier: GPL-2.0
/* .rodata: libbpf creates it read-only for programs and freezes it, so the verifier reads its
 * values at constant offsets as known constants (the loader's configuration knobs): branches on
 * them are decided, and bounds derived from them are exact. */
#include "basics.h"

const volatile int mode = 1;
const volatile __u32 table_len = 16;
const volatile __u64 big = 0x1122334455667788ULL;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, __u64);
	__uint(max_entries, 1);
} slot SEC(".maps");

SEC("tc")
__description("rodata: a branch on a .rodata knob is decided; the dead side is never walked")
__success
int knob_decides(struct __sk_buff *ctx)
{
	if (mode == 1)
		return 0;
	return *(volatile int *)(long)ctx->mark; /* would be a scalar dereference */
}

SEC("tc")
__description("rodata: a bound taken from .rodata is its value, here too large for the map value")
__failure __msg("R0 max value is outside of the allowed memory range")
int bound_from_rodata(struct __sk_buff *ctx)
{
	int k = 0;
	__u8 *v = bpf_map_lookup_elem(&slot, &k);
	__u32 i = ctx->mark;

	if (!v)
		return 0;
	if (i >= table_len)
		return 0;
	return v[i];
}

SEC("tc")
__description("rodata: a 64-bit constant compared exactly")
__success
int wide_constant(struct __sk_buff *ctx)
{
	if (big != 0x1122334455667788ULL)
		return *(volatile int *)(long)ctx->mark;
	return 0;
}

BPF_VERDICT_LICENSE;
