// SPDX-License-Identifier: GPL-2.0
/* Global subprogram arguments (btf_check_func_arg_match): each argument is checked at the call
 * against the callee's BTF prototype, for every argument kind; a mismatch prints the argument's
 * own line, then "Caller passes invalid args into func#N ('name')". Pointer arguments are memory
 * of the pointee's size, checked as read and as written (check_mem_reg). */
#include "basics.h"

struct locked {
	struct bpf_spin_lock lock;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct locked);
	__uint(max_entries, 1);
} locked_map SEC(".maps");

struct pair {
	__u64 a, b;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, __u64);
	__uint(max_entries, 1);
} small_map SEC(".maps");

__noinline int sum_pair(struct pair *p)
{
	return p ? (int)(p->a + p->b) : 0;
}

__noinline int read_len(struct locked *l)
{
	return l ? (int)l->len : 0;
}

__noinline int take_scalar(long x)
{
	return x & 1;
}

__noinline int take_ctx(struct __sk_buff *skb)
{
	return skb->len & 1;
}

SEC("tc")
__description("globals: stack memory of the pointee's size")
__success
int global_stack_arg(struct __sk_buff *ctx)
{
	struct pair p = { ctx->len, ctx->mark };

	return sum_pair(&p) & 1;
}

SEC("tc")
__description("globals: NULL for a pointer argument")
__success
int global_null_arg(struct __sk_buff *ctx)
{
	return sum_pair((void *)0) & 1;
}

SEC("tc")
__description("globals: a map value holding a bpf_spin_lock")
__failure __msg("bpf_spin_lock cannot be accessed directly by load/store")
__msg("Caller passes invalid args into func#1 ('read_len')")
int global_locked_value(struct __sk_buff *ctx)
{
	int k = 0;
	struct locked *l = bpf_map_lookup_elem(&locked_map, &k);

	return read_len(l) & 1;
}

SEC("tc")
__description("globals: a map value smaller than the pointee")
__failure __msg("invalid access to map value, value_size=8 off=0 size=16")
__msg("Caller passes invalid args into func#1 ('sum_pair')")
int global_small_value(struct __sk_buff *ctx)
{
	int k = 0;
	struct pair *p = bpf_map_lookup_elem(&small_map, &k);

	return sum_pair(p) & 1;
}

SEC("tc")
__description("globals: a pointer where the prototype says scalar")
__failure __msg("R1 is not a scalar")
__msg("Caller passes invalid args into func#1 ('take_scalar')")
int global_ptr_as_scalar(struct __sk_buff *ctx)
{
	return take_scalar((long)ctx);
}

SEC("tc")
__description("globals: the ctx argument must be the ctx")
__failure __msg("arg#0 expects pointer to ctx")
__msg("Caller passes invalid args into func#1 ('take_ctx')")
__kernel("7.3-") __msg("R1 expects pointer to ctx") __msg("Caller passes invalid args into func#1 ('take_ctx')")
int global_not_ctx(struct __sk_buff *ctx)
{
	long buf[4] = {};

	return take_ctx((struct __sk_buff *)buf);
}

BPF_VERDICT_LICENSE;
