// SPDX-License-Identifier: GPL-2.0
/* R29: with a lock held, only bpf_spin_unlock and the graph kfuncs (push, pop, add, remove,
 * first, refcount_acquire) may be called. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct pool_slot {
	__u32 v;
	struct bpf_refcount rc;
	struct bpf_list_node link;
};

struct slot_pool {
	struct bpf_spin_lock lock;
	struct bpf_list_head free __contains(pool_slot, link);
	struct bpf_list_head used __contains(pool_slot, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct slot_pool);
	__uint(max_entries, 1);
} pools SEC(".maps");

static struct slot_pool *pool(void)
{
	int zero = 0;

	return bpf_map_lookup_elem(&pools, &zero);
}

SEC("tc")
__description("under lock: pop, push, refcount_acquire")
__success
int graph_calls_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();
	struct bpf_list_node *n;
	struct pool_slot *s, *extra;

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	n = bpf_list_pop_front(&p->free);
	if (!n) {
		bpf_spin_unlock(&p->lock);
		return 0;
	}
	s = container_of(n, struct pool_slot, link);
	extra = bpf_refcount_acquire(s);
	bpf_list_push_back(&p->used, &s->link);
	bpf_spin_unlock(&p->lock);
	bpf_obj_drop(extra);
	return 0;
}

SEC("tc")
__description("under lock: bpf_obj_new")
__failure __msg("function calls are not allowed while holding a lock")
int obj_new_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();
	struct pool_slot *s;

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	s = bpf_obj_new(struct pool_slot);
	if (s)
		bpf_list_push_back(&p->free, &s->link);
	bpf_spin_unlock(&p->lock);
	return 0;
}

SEC("tc")
__description("under lock: a helper (bpf_ktime_get_ns)")
__failure __msg("function calls are not allowed while holding a lock")
int helper_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();
	__u64 t;

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	t = bpf_ktime_get_ns();
	bpf_spin_unlock(&p->lock);
	return t & 1;
}

SEC("tc")
__description("under lock: bpf_obj_drop of a popped node")
__failure __msg("function calls are not allowed while holding a lock")
int drop_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();
	struct bpf_list_node *n;

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	n = bpf_list_pop_front(&p->used);
	if (n)
		bpf_obj_drop(container_of(n, struct pool_slot, link));
	bpf_spin_unlock(&p->lock);
	return 0;
}

SEC("tc")
__description("under lock: bpf_rcu_read_lock")
__failure __msg("function calls are not allowed while holding a lock")
int rcu_lock_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	bpf_spin_unlock(&p->lock);
	return 0;
}

SEC("tc")
__description("under lock: taking the same lock again")
__failure __msg("function calls are not allowed while holding a lock")
int relock_in_cs(struct __sk_buff *ctx)
{
	struct slot_pool *p = pool();

	if (!p)
		return 0;
	bpf_spin_lock(&p->lock);
	bpf_spin_lock(&p->lock);
	bpf_spin_unlock(&p->lock);
	bpf_spin_unlock(&p->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
