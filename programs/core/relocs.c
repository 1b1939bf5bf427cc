// SPDX-License-Identifier: GPL-2.0
/* CO-RE: libbpf patches each relocated instruction with the value it computes against the running
 * kernel's BTF before the verifier sees it: field offsets and sizes, existence, signedness,
 * bitfield shifts, type ids, sizes and existence, enum values. vmlinux.h marks every kernel struct
 * preserve_access_index, so plain `ctx->mark` is relocated too. A "___flavor" suffix lets a
 * program describe its own view of a kernel type; a field the kernel lacks poisons the instruction
 * (the verifier then rejects the call libbpf put there, if a path reaches it). */
#include "vmlinux.h"
#include "bpf_verdict.h"
#include <bpf/bpf_core_read.h>

/* A program-side view of __sk_buff: only `mark`, declared wider than the kernel's __u32. */
struct __sk_buff___wide {
	__u64 mark;
} __attribute__((preserve_access_index));

/* The same with a signed type: libbpf refuses to narrow a signed load (it poisons it). */
struct __sk_buff___signed {
	__s64 mark;
} __attribute__((preserve_access_index));

/* A field no kernel has. */
struct __sk_buff___future {
	__u32 len;
	__u32 not_in_any_kernel;
} __attribute__((preserve_access_index));

SEC("tc")
__description("CO-RE: a field offset used as a stack index (mark is at 8)")
__success
int field_offset_indexes_stack(struct __sk_buff *ctx)
{
	volatile char buf[16] = {};

	buf[bpf_core_field_offset(struct __sk_buff, mark)] = 1;
	return buf[8];
}

SEC("tc")
__description("CO-RE: field size, existence and signedness as constants")
__success
int field_size_exists_signed(struct __sk_buff *ctx)
{
	volatile char buf[8] = {};

	buf[bpf_core_field_size(struct __sk_buff, mark) + 3] = 1;      /* 4 + 3 */
	buf[bpf_core_field_exists(struct __sk_buff, len) * 6] = 2;     /* 1 * 6 */
	buf[__builtin_preserve_field_info(((struct __sk_buff *)0)->mark, BPF_FIELD_SIGNED) * 9] = 3;    /* unsigned: 0 */
	return buf[7];
}

SEC("tc")
__description("CO-RE: a missing field's existence is 0 and its guarded read is dead code")
__success
int field_missing_guarded(struct __sk_buff *ctx)
{
	struct __sk_buff___future *f = (void *)ctx;

	if (bpf_core_field_exists(f->not_in_any_kernel))
		return f->not_in_any_kernel;
	return f->len;
}

SEC("tc")
__description("CO-RE: an unguarded read of a field no kernel has is poisoned")
__failure __msg("failed to resolve CO-RE relocation")
int field_missing_read(struct __sk_buff *ctx)
{
	struct __sk_buff___future *f = (void *)ctx;

	return f->not_in_any_kernel;
}

SEC("tc")
__description("CO-RE: a wider unsigned view is loaded at the kernel's offset and width")
__success
int flavor_wider_unsigned(struct __sk_buff *ctx)
{
	struct __sk_buff___wide *w = (void *)ctx;

	return w->mark & 1;
}

SEC("tc")
__description("CO-RE: a wider signed view cannot be narrowed: poisoned")
__failure __msg("failed to resolve CO-RE relocation")
int flavor_wider_signed(struct __sk_buff *ctx)
{
	struct __sk_buff___signed *s = (void *)ctx;

	return s->mark & 1;
}

SEC("tc")
__description("CO-RE: &ctx->mark kept in a register is a modified ctx pointer (off=8)")
__failure __msg("dereference of modified ctx ptr R{{[0-9]}} off=8 disallowed")
int ctx_field_address(struct __sk_buff *ctx)
{
	__u32 *p = &ctx->mark;

	barrier_var(p);
	return *p;
}

SEC("tc")
__description("CO-RE: &ctx->len kept in a register is ctx itself (offset 0)")
__success
int ctx_first_field_address(struct __sk_buff *ctx)
{
	__u32 *p = &ctx->len;

	barrier_var(p);
	return *p;
}

SEC("tc")
__description("CO-RE: type existence, size and enum values as constants")
__success
int type_and_enum(struct __sk_buff *ctx)
{
	volatile char buf[48] = {};

	buf[bpf_core_type_exists(struct task_struct) * 5] = 1;
	buf[bpf_core_type_size(struct bpf_spin_lock) * 2] = 1;                   /* 4 * 2 */
	buf[bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARRAY) * 3] = 1;  /* 2 * 3 */
	buf[bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_HASH) + 40] = 1;
	return buf[5];
}

SEC("tc")
__description("CO-RE: a type size used past the end of the stack buffer")
__failure __msg("invalid write to stack R{{[0-9]+}} off=")
int type_size_out_of_bounds(struct __sk_buff *ctx)
{
	volatile char buf[8] = {};
	__u32 i = bpf_core_type_size(struct __sk_buff);

	if (i < 8)
		return 0;
	buf[i] = 1;
	return buf[0];
}

BPF_VERDICT_LICENSE;
