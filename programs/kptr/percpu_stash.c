// SPDX-License-Identifier: GPL-2.0
/* Per-CPU local objects stashed in a map's __percpu_kptr field. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct pc_counters {
	__u64 rx;
	__u64 tx;
};

struct pc_slot {
	struct pc_counters __percpu_kptr *pc;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct pc_slot);
	__uint(max_entries, 1);
} pc_slots SEC(".maps");

SEC("tc")
__description("percpu stash: install a per-CPU object")
__success __model_differs("stashing per-CPU objects with bpf_kptr_xchg is outside the model: unsupported")
int pc_install(struct __sk_buff *ctx)
{
	int k = 0;
	struct pc_slot *s = bpf_map_lookup_elem(&pc_slots, &k);
	struct pc_counters __percpu_kptr *p;

	if (!s)
		return 0;
	p = bpf_percpu_obj_new(struct pc_counters);
	if (!p)
		return 0;
	p = bpf_kptr_xchg(&s->pc, p);
	if (p)
		bpf_percpu_obj_drop(p);
	return 0;
}

SEC("tc")
__description("percpu stash: count on this CPU through bpf_this_cpu_ptr")
__success __model_differs("the model does not implement bpf_this_cpu_ptr: unsupported")
int pc_count(struct __sk_buff *ctx)
{
	int k = 0;
	struct pc_slot *s = bpf_map_lookup_elem(&pc_slots, &k);
	struct pc_counters __percpu_kptr *p;
	struct pc_counters *mine;

	if (!s)
		return 0;
	p = s->pc;
	if (!p)
		return 0;
	mine = bpf_this_cpu_ptr(p);
	mine->rx++;
	return 0;
}

SEC("tc")
__description("percpu stash (bug): a plain object into the per-CPU field (6.12 prints the type names oddly)")
__failure __msg("invalid kptr access, R2 type=ptr_ expected=ptr_pc_counters")
int pc_install_plain(struct __sk_buff *ctx)
{
	int k = 0;
	struct pc_slot *s = bpf_map_lookup_elem(&pc_slots, &k);
	struct pc_counters *p;

	if (!s)
		return 0;
	p = bpf_obj_new(struct pc_counters);
	if (!p)
		return 0;
	p = bpf_kptr_xchg(&s->pc, p);
	if (p)
		bpf_obj_drop(p);
	return 0;
}

BPF_VERDICT_LICENSE;
