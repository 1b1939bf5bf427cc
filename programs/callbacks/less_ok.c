// SPDX-License-Identifier: GPL-2.0
/* R24/R25/R28: the less() callback of bpf_rbtree_add is verified with two non-owning node
 * arguments while the tree's lock is held. These are the things it may do. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct range_ent {
	__u64 start;
	__u64 end;
	__u32 hits;
	struct bpf_rb_node rb;
};

private(RANGES) struct bpf_spin_lock range_lock;
private(RANGES) struct bpf_rb_root ranges __contains(range_ent, rb);

static __always_inline struct range_ent *rb_range(const struct bpf_rb_node *n)
{
	return container_of(n, struct range_ent, rb);
}

/* compares two fields, with a tie-break; counts comparisons in the node (a write through a
 * non-owning argument) */
static bool range_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct range_ent *ra = rb_range(a);
	struct range_ent *rb = rb_range(b);

	ra->hits++;
	if (ra->start != rb->start)
		return ra->start < rb->start;
	return ra->end < rb->end;
}

/* a static helper called from the callback */
static __noinline int cmp_u64(__u64 x, __u64 y)
{
	return x < y ? -1 : x > y;
}

static bool range_less_subprog(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return cmp_u64(rb_range(a)->start, rb_range(b)->start) < 0;
}

/* the callback may peek at the tree it is inserting into */
static bool range_less_peek(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct bpf_rb_node *f = bpf_rbtree_first(&ranges);

	if (f && f == a)
		return true;
	return rb_range(a)->start < rb_range(b)->start;
}

static int insert_range(__u64 start, __u64 end,
			bool (*less)(struct bpf_rb_node *, const struct bpf_rb_node *))
{
	struct range_ent *r = bpf_obj_new(struct range_ent);

	if (!r)
		return -1;
	r->start = start;
	r->end = end;
	bpf_spin_lock(&range_lock);
	bpf_rbtree_add(&ranges, &r->rb, less);
	bpf_spin_unlock(&range_lock);
	return 0;
}

SEC("tc")
__description("less(): reads, tie-break and a write to an ordinary field")
__success
int less_reads_writes(struct __sk_buff *ctx)
{
	struct range_ent *r = bpf_obj_new(struct range_ent);

	if (!r)
		return 0;
	r->start = ctx->hash;
	r->end = r->start + ctx->len;
	bpf_spin_lock(&range_lock);
	bpf_rbtree_add(&ranges, &r->rb, range_less);
	bpf_spin_unlock(&range_lock);
	return 0;
}

SEC("tc")
__description("less(): calls a static subprogram")
__success
int less_calls_static(struct __sk_buff *ctx)
{
	struct range_ent *r = bpf_obj_new(struct range_ent);

	if (!r)
		return 0;
	r->start = ctx->hash;
	bpf_spin_lock(&range_lock);
	bpf_rbtree_add(&ranges, &r->rb, range_less_subprog);
	bpf_spin_unlock(&range_lock);
	return 0;
}

SEC("tc")
__description("less(): calls bpf_rbtree_first on the locked tree")
__success
int less_calls_first(struct __sk_buff *ctx)
{
	struct range_ent *r = bpf_obj_new(struct range_ent);

	if (!r)
		return 0;
	r->start = ctx->hash;
	bpf_spin_lock(&range_lock);
	bpf_rbtree_add(&ranges, &r->rb, range_less_peek);
	bpf_spin_unlock(&range_lock);
	return 0;
}

SEC("tc")
__description("less(): passed through a static function's pointer argument")
__success
int less_via_argument(struct __sk_buff *ctx)
{
	return insert_range(ctx->hash, ctx->hash + 1, range_less) + 1;
}

BPF_VERDICT_LICENSE;
