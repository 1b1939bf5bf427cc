// SPDX-License-Identifier: GPL-2.0
/* Map lookups: NULL checks (also through copies sharing the id), value bounds with constant and
 * variable offsets, helper argument types. */
#include "basics.h"

struct val { __u64 a; __u64 b; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct val);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tc")
__description("maps: lookup result used without a NULL check")
__failure __msg("R0 invalid mem access 'map_value_or_null'")
__kernel("7.3-") __success
int lookup_no_check(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct val *v = bpf_map_lookup_elem(&arr, &key);

	return v->a;
}

SEC("tc")
__description("maps: lookup, NULL check, update")
__success
int lookup_checked(struct __sk_buff *ctx)
{
	__u32 key = ctx->mark & 3;
	struct val *v = bpf_map_lookup_elem(&arr, &key);
	__u64 one = 1;

	if (!v)
		return 0;
	v->a += ctx->len;
	bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	return 0;
}

SEC("tc")
__description("maps: NULL check through a copy refines the original")
__success
__naked int null_check_copy(void)
{
	asm volatile ("r1 = 0;"
		      "*(u32 *)(r10 -4) = r1;"
		      "r2 = r10;"
		      "r2 += -4;"
		      "r1 = %[arr] ll;"
		      "call %[lookup];"
		      "r6 = r0;"
		      "if r0 == 0 goto l0_%=;"
		      "r0 = *(u64 *)(r6 +8);"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(arr), [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

SEC("tc")
__description("maps: constant offset past the value")
__failure __msg("invalid access to map value, value_size=16 off=16 size=8")
__msg("R0 min value is outside of the allowed memory range")
__naked int value_oob(void)
{
	asm volatile ("r1 = 0;"
		      "*(u32 *)(r10 -4) = r1;"
		      "r2 = r10;"
		      "r2 += -4;"
		      "r1 = %[arr] ll;"
		      "call %[lookup];"
		      "if r0 == 0 goto l0_%=;"
		      "r0 = *(u64 *)(r0 +16);"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(arr), [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

SEC("tc")
__description("maps: variable index bounded by a check")
__success
__naked int var_index_checked(void)
{
	asm volatile ("r6 = *(u32 *)(r1 +8);"
		      "r1 = 0;"
		      "*(u32 *)(r10 -4) = r1;"
		      "r2 = r10;"
		      "r2 += -4;"
		      "r1 = %[arr] ll;"
		      "call %[lookup];"
		      "if r0 == 0 goto l0_%=;"
		      "if r6 > 8 goto l0_%=;"
		      "r0 += r6;"
		      "r0 = *(u64 *)(r0 +0);"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(arr), [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

SEC("tc")
__description("maps: variable index one past the check")
__failure __msg("invalid access to map value, value_size=16 off=9 size=8")
__msg("R0 max value is outside of the allowed memory range")
__naked int var_index_off_by_one(void)
{
	asm volatile ("r6 = *(u32 *)(r1 +8);"
		      "r1 = 0;"
		      "*(u32 *)(r10 -4) = r1;"
		      "r2 = r10;"
		      "r2 += -4;"
		      "r1 = %[arr] ll;"
		      "call %[lookup];"
		      "if r0 == 0 goto l0_%=;"
		      "if r6 > 9 goto l0_%=;"
		      "r0 += r6;"
		      "r0 = *(u64 *)(r0 +0);"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(arr), [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

SEC("tc")
__description("maps: variable index never checked")
__failure __msg("R0 unbounded memory access, make sure to bounds check any such access")
__naked int var_index_unchecked(void)
{
	asm volatile ("r6 = *(u32 *)(r1 +8);"
		      "r1 = 0;"
		      "*(u32 *)(r10 -4) = r1;"
		      "r2 = r10;"
		      "r2 += -4;"
		      "r1 = %[arr] ll;"
		      "call %[lookup];"
		      "if r0 == 0 goto l0_%=;"
		      "r0 += r6;"
		      "r0 = *(u64 *)(r0 +0);"
		      "l0_%=: r0 = 0;"
		      "exit;"
		      :: __imm_addr(arr), [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

SEC("tc")
__description("maps: scalar passed as the map argument")
__failure __msg("R1 type=scalar expected=map_ptr")
__naked int map_arg_scalar(void)
{
	asm volatile ("r1 = 0;"
		      "r2 = r10;"
		      "r2 += -8;"
		      "call %[lookup];"
		      "r0 = 0;"
		      "exit;"
		      :: [lookup] "i"(BPF_FUNC_map_lookup_elem) : __clobber_all);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tc")
__description("maps: bpf_ringbuf_output of a stack value")
__success
int uses_ringbuf_output(struct __sk_buff *ctx)
{
	__u64 x = 0;

	bpf_ringbuf_output(&events, &x, sizeof(x), 0);
	return 0;
}

BPF_VERDICT_LICENSE;
