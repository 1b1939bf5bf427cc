// SPDX-License-Identifier: GPL-2.0
/* bpf_rbtree_add and bpf_rbtree_first (R16): first() yields a non-owning, maybe-NULL node. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct timer_ent {
	__u64 deadline;
	__u32 cookie;
	struct bpf_rb_node rb;
};

struct timer_wheel {
	struct bpf_spin_lock lock;
	struct bpf_rb_root timers __contains(timer_ent, rb);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct timer_wheel);
	__uint(max_entries, 1);
} wheels SEC(".maps");

static bool deadline_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct timer_ent *ta = container_of(a, struct timer_ent, rb);
	struct timer_ent *tb = container_of(b, struct timer_ent, rb);

	return ta->deadline < tb->deadline;
}

static struct timer_wheel *wheel(void)
{
	int zero = 0;

	return bpf_map_lookup_elem(&wheels, &zero);
}

SEC("tc")
__description("rbtree: add a timer ordered by deadline")
__success
int rb_add_timer(struct __sk_buff *ctx)
{
	struct timer_wheel *w = wheel();
	struct timer_ent *t;

	if (!w)
		return 0;
	t = bpf_obj_new(struct timer_ent);
	if (!t)
		return 0;
	t->deadline = bpf_ktime_get_ns() + 1000;
	t->cookie = ctx->hash;
	bpf_spin_lock(&w->lock);
	bpf_rbtree_add(&w->timers, &t->rb, deadline_less);
	bpf_spin_unlock(&w->lock);
	return 0;
}

SEC("tc")
__description("rbtree: peek the earliest deadline with first()")
__success
int rb_peek_first(struct __sk_buff *ctx)
{
	struct timer_wheel *w = wheel();
	struct bpf_rb_node *n;
	__u64 dl = 0;

	if (!w)
		return 0;
	bpf_spin_lock(&w->lock);
	n = bpf_rbtree_first(&w->timers);
	if (n)
		dl = container_of(n, struct timer_ent, rb)->deadline;
	bpf_spin_unlock(&w->lock);
	return dl > bpf_ktime_get_ns();
}

SEC("tc")
__description("rbtree: read first() result without a NULL check")
__failure __msg("invalid mem access 'ptr_or_null_'")
int rb_first_unchecked(struct __sk_buff *ctx)
{
	struct timer_wheel *w = wheel();
	struct bpf_rb_node *n;
	__u64 dl;

	if (!w)
		return 0;
	bpf_spin_lock(&w->lock);
	n = bpf_rbtree_first(&w->timers);
	dl = container_of(n, struct timer_ent, rb)->deadline;
	bpf_spin_unlock(&w->lock);
	return dl & 1;
}

SEC("tc")
__description("rbtree: first() without the lock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_rb_root")
int rb_first_unlocked(struct __sk_buff *ctx)
{
	struct timer_wheel *w = wheel();
	struct bpf_rb_node *n;

	if (!w)
		return 0;
	n = bpf_rbtree_first(&w->timers);
	return n != NULL;
}

BPF_VERDICT_LICENSE;
