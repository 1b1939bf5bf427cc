// SPDX-License-Identifier: GPL-2.0
/* R24-R26: what the less() callback may not do. Its errors are reported when the verifier explores
 * the queued callback state, after the main path. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct prio_ent {
	__u64 prio;
	struct bpf_rb_node rb;
};

private(PQ) struct bpf_spin_lock pq_lock;
private(PQ) struct bpf_rb_root pq_root __contains(prio_ent, rb);

static __always_inline struct prio_ent *rb_prio(const struct bpf_rb_node *n)
{
	return container_of(n, struct prio_ent, rb);
}

static bool less_unlocks(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	bpf_spin_unlock(&pq_lock);
	return rb_prio(a)->prio < rb_prio(b)->prio;
}

static bool less_removes(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct bpf_rb_node *n = bpf_rbtree_remove(&pq_root, a);

	if (n)
		bpf_rbtree_add(&pq_root, n, less_removes);
	return false;
}

static bool less_calls_helper(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return (rb_prio(a)->prio ^ bpf_get_prandom_u32()) < rb_prio(b)->prio;
}

static bool less_returns_two(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	bool r;

	/* returning a value out of [0, 1] through the bool ABI requires asm */
	asm volatile("%0 = 2" : "=r"(r));
	return r;
}

static bool less_readds_arg(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	bpf_rbtree_add(&pq_root, a, less_readds_arg);
	return false;
}

static bool less_touches_node(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	/* first word of the bpf_rb_node: a special field */
	return *(__u64 *)a < *(__u64 *)b;
}

static __noinline void unlock_from_helper(void)
{
	bpf_spin_unlock(&pq_lock);
}

static bool less_unlocks_in_subprog(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	unlock_from_helper();
	return rb_prio(a)->prio < rb_prio(b)->prio;
}

#define DEFINE_ADD_PROG(name, less)					\
int name(struct __sk_buff *ctx)						\
{									\
	struct prio_ent *p = bpf_obj_new(struct prio_ent);		\
									\
	if (!p)								\
		return 0;						\
	p->prio = ctx->priority;					\
	bpf_spin_lock(&pq_lock);					\
	bpf_rbtree_add(&pq_root, &p->rb, less);				\
	bpf_spin_unlock(&pq_lock);					\
	return 0;							\
}

SEC("tc")
__description("less(): unlocks the tree's lock")
__failure __msg("can't spin_{lock,unlock} in rbtree cb")
DEFINE_ADD_PROG(cb_unlock, less_unlocks)

SEC("tc")
__description("less(): removes a node")
__failure __msg("rbtree_remove not allowed in rbtree cb")
DEFINE_ADD_PROG(cb_remove, less_removes)

SEC("tc")
__description("less(): calls a helper")
__failure __msg("function calls are not allowed while holding a lock")
DEFINE_ADD_PROG(cb_helper, less_calls_helper)

SEC("tc")
__description("less(): returns 2")
__failure __msg("At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]")
DEFINE_ADD_PROG(cb_ret_range, less_returns_two)

SEC("tc")
__description("less(): adds its own argument to the tree")
__failure __msg("arg#1 expected pointer to allocated object")
__kernel("7.3-") __msg("R2 expected pointer to allocated object")
DEFINE_ADD_PROG(cb_readd, less_readds_arg)

SEC("tc")
__description("less(): reads the bpf_rb_node itself")
__failure __msg("direct access to bpf_rb_node is disallowed")
DEFINE_ADD_PROG(cb_node_access, less_touches_node)

SEC("tc")
__description("less(): unlocks in a static subprogram it calls (6.12.y checks all frames)")
__failure __msg("can't spin_{lock,unlock} in rbtree cb")
DEFINE_ADD_PROG(cb_unlock_nested, less_unlocks_in_subprog)

SEC("tc")
__description("rbtree_add: NULL instead of a less() callback")
__failure __msg("arg2 expected pointer to func")
__kernel("7.3-") __msg("Possibly NULL pointer passed to trusted R3")
DEFINE_ADD_PROG(cb_null, NULL)

BPF_VERDICT_LICENSE;
