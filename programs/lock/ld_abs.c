// SPDX-License-Identifier: GPL-2.0
/* R34: legacy packet loads (BPF_LD_ABS/IND) are not allowed inside a critical section. */
#include "vmlinux.h"
#include "bpf_verdict.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

struct proto_count {
	struct bpf_spin_lock lock;
	__u64 tcp;
	__u64 other;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct proto_count);
	__uint(max_entries, 1);
} proto_counts SEC(".maps");

SEC("tc")
__description("ld_abs: packet byte read before the lock")
__success __model_differs("the model does not interpret legacy packet loads (BPF_LD_ABS/IND): unsupported")
int ld_abs_outside(struct __sk_buff *skb)
{
	int k = 0;
	struct proto_count *c = bpf_map_lookup_elem(&proto_counts, &k);
	__u8 proto = load_byte(skb, 23);

	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	if (proto == 6)
		c->tcp++;
	else
		c->other++;
	bpf_spin_unlock(&c->lock);
	return 0;
}

SEC("tc")
__description("ld_abs: packet byte read inside the critical section")
__model_differs("the model does not interpret legacy packet loads (BPF_LD_ABS/IND): unsupported")
__failure __msg("BPF_LD_[ABS|IND] cannot be used inside bpf_spin_lock-ed region")
int ld_abs_inside(struct __sk_buff *skb)
{
	int k = 0;
	struct proto_count *c = bpf_map_lookup_elem(&proto_counts, &k);

	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	if (load_byte(skb, 23) == 6)
		c->tcp++;
	bpf_spin_unlock(&c->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
