// SPDX-License-Identifier: GPL-2.0
/* do_check's per-instruction consistency (save_aux_ptr_type): the first path through a load or
 * store records its pointer type, and every other path must bring the same one, flags included,
 * when either is ctx, a socket or a BTF pointer (the kernel rewrites those accesses per type).
 * A static subprog is verified in each caller's context, so its instructions meet every caller's
 * pointers: an owning and a non-owning reference differ (MEM_ALLOC vs MEM_ALLOC|NON_OWN_REF).
 * Loads of two BTF pointers are allowed (the kernel falls back to a probing load); stores are not. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct job {
	__u64 cost;
	__u32 state;
	struct bpf_list_node link;
};

struct wslot {
	__u32 first;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wslot);
} wslots SEC(".maps");

private(JOBS) struct bpf_spin_lock jobs_lock;
private(JOBS) struct bpf_list_head jobs __contains(job, link);

static __noinline void job_mark(struct job *j, __u32 state)
{
	j->state = state;
}

static __noinline __u32 job_state(struct job *j)
{
	return j ? j->state : 0;
}

static __noinline __u32 first_word(void *p)
{
	return p ? *(__u32 *)p : 0;
}

static __noinline void set_first_word(__u32 *p)
{
	if (p)
		*p = 7;
}

SEC("tc")
__description("same insn: a static subprog stores through owning, then non-owning references")
__failure __msg("same insn cannot be used with different pointers")
int store_owning_then_nonown(struct __sk_buff *ctx)
{
	struct job *j = bpf_obj_new(struct job);

	if (!j)
		return 0;
	job_mark(j, 1);
	bpf_spin_lock(&jobs_lock);
	bpf_list_push_back(&jobs, &j->link);
	job_mark(j, 2);
	bpf_spin_unlock(&jobs_lock);
	return 0;
}

SEC("tc")
__description("same insn: a static subprog stores through two owning references")
__success
int store_owning_twice(struct __sk_buff *ctx)
{
	struct job *a = bpf_obj_new(struct job);
	struct job *b;

	if (!a)
		return 0;
	b = bpf_obj_new(struct job);
	if (!b) {
		bpf_obj_drop(a);
		return 0;
	}
	job_mark(a, 1);
	job_mark(b, 2);
	bpf_obj_drop(a);
	bpf_obj_drop(b);
	return 0;
}

SEC("tc")
__description("same insn: a static subprog loads through owning, then non-owning references")
__success
int load_owning_then_nonown(struct __sk_buff *ctx)
{
	struct job *j = bpf_obj_new(struct job);
	__u32 s;

	if (!j)
		return 0;
	s = job_state(j);
	bpf_spin_lock(&jobs_lock);
	bpf_list_push_back(&jobs, &j->link);
	s += job_state(j);
	bpf_spin_unlock(&jobs_lock);
	return s;
}

SEC("tc")
__description("same insn: one load reads the context and a map value")
__failure __msg("same insn cannot be used with different pointers")
int load_ctx_then_map(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct wslot *s = bpf_map_lookup_elem(&wslots, &key);
	__u32 v = first_word(ctx);

	return v + first_word(s);
}

SEC("tc")
__description("same insn: one load reads the stack and a map value")
__success
int load_stack_then_map(struct __sk_buff *ctx)
{
	__u32 key = 0, local = ctx->mark;
	struct wslot *s = bpf_map_lookup_elem(&wslots, &key);
	__u32 v = first_word(&local);

	return v + first_word(s);
}

SEC("tc")
__description("same insn: one store writes an allocated object and a map value")
__failure __msg("same insn cannot be used with different pointers")
int store_object_then_map(struct __sk_buff *ctx)
{
	__u32 key = 0;
	struct wslot *s = bpf_map_lookup_elem(&wslots, &key);
	struct wslot *o = bpf_obj_new(struct wslot);

	set_first_word((__u32 *)o);
	set_first_word((__u32 *)s);
	if (o)
		bpf_obj_drop(o);
	return 0;
}

BPF_VERDICT_LICENSE;
