// SPDX-License-Identifier: GPL-2.0
/* In a sleepable program (SEC("syscall")) a stashed local kptr loaded outside bpf_rcu_read_lock()
 * is untrusted; inside the RCU section it is RCU-protected and can be refcount-acquired. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct sess_cfg {
	__u64 gen;
	struct bpf_refcount rc;
};

struct sess_cfg_slot {
	struct sess_cfg __kptr *cfg;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct sess_cfg_slot);
	__uint(max_entries, 1);
} sess_cfgs SEC(".maps");

SEC("syscall")
__description("sleepable: acquire a stashed object inside bpf_rcu_read_lock")
__success
int rcu_acquire_in_section(void *ctx)
{
	int k = 0;
	struct sess_cfg_slot *s = bpf_map_lookup_elem(&sess_cfgs, &k);
	struct sess_cfg *c, *ref = NULL;
	__u64 gen = 0;

	if (!s)
		return 0;
	bpf_rcu_read_lock();
	c = s->cfg;
	if (c)
		ref = bpf_refcount_acquire(c);
	bpf_rcu_read_unlock();
	if (!ref)
		return 0;
	gen = ref->gen;
	bpf_obj_drop(ref);
	return gen & 1;
}

SEC("syscall")
__description("sleepable: install a new object (no RCU section needed for kptr_xchg)")
__success
int rcu_install(void *ctx)
{
	int k = 0;
	struct sess_cfg_slot *s = bpf_map_lookup_elem(&sess_cfgs, &k);
	struct sess_cfg *c;

	if (!s)
		return 0;
	c = bpf_obj_new(struct sess_cfg);
	if (!c)
		return 0;
	c = bpf_kptr_xchg(&s->cfg, c);
	if (c)
		bpf_obj_drop(c);
	return 0;
}

SEC("syscall")
__description("sleepable: acquire a stashed object loaded outside any RCU section")
__failure __msg("arg#0 is neither owning or non-owning ref")
__kernel("7.3-") __msg("R1 is neither owning or non-owning ref")
int rcu_acquire_outside(void *ctx)
{
	int k = 0;
	struct sess_cfg_slot *s = bpf_map_lookup_elem(&sess_cfgs, &k);
	struct sess_cfg *c, *ref;

	if (!s)
		return 0;
	c = s->cfg;
	if (!c)
		return 0;
	ref = bpf_refcount_acquire(c);
	if (ref)
		bpf_obj_drop(ref);
	return 0;
}

SEC("syscall")
__description("sleepable: pointer loaded in the RCU section, acquired after it ended")
__failure __msg("arg#0 is neither owning or non-owning ref")
__kernel("7.3-") __msg("R1 is neither owning or non-owning ref")
int rcu_acquire_after_section(void *ctx)
{
	int k = 0;
	struct sess_cfg_slot *s = bpf_map_lookup_elem(&sess_cfgs, &k);
	struct sess_cfg *c, *ref;

	if (!s)
		return 0;
	bpf_rcu_read_lock();
	c = s->cfg;
	bpf_rcu_read_unlock();
	if (!c)
		return 0;
	ref = bpf_refcount_acquire(c);
	if (ref)
		bpf_obj_drop(ref);
	return 0;
}

SEC("syscall")
__description("sleepable: RCU section left open at exit")
__failure __msg("bpf_rcu_read_unlock is missing")
__kernel("7.3-") __success
int rcu_unbalanced(void *ctx)
{
	int k = 0;
	struct sess_cfg_slot *s = bpf_map_lookup_elem(&sess_cfgs, &k);

	bpf_rcu_read_lock();
	if (!s)
		return 0;
	bpf_rcu_read_unlock();
	return 0;
}

BPF_VERDICT_LICENSE;
