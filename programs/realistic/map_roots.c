// SPDX-License-Identifier: GPL-2.0
/* Map-value roots in array and hash maps: per-CPU-slot backlogs in an array, per-interface trees
 * in a hash map created on demand. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct backlog_pkt {
	__u32 len;
	__u32 ifindex;
	struct bpf_list_node link;
};

struct backlog {
	struct bpf_spin_lock lock;
	__u32 depth;
	struct bpf_list_head pkts __contains(backlog_pkt, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct backlog);
	__uint(max_entries, 16);
} backlogs SEC(".maps");

struct if_sample {
	__u64 ts;
	__u32 len;
	struct bpf_rb_node rb;
};

struct if_tree {
	__u64 samples;
	struct bpf_spin_lock lock;
	struct bpf_rb_root tree __contains(if_sample, rb);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct if_tree);
	__uint(max_entries, 256);
} if_trees SEC(".maps");

static bool sample_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct if_sample, rb)->len <
	       container_of(b, struct if_sample, rb)->len;
}

SEC("tc")
__description("map roots: enqueue on this CPU's backlog (array map)")
__success
int backlog_enqueue(struct __sk_buff *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id() & 15;
	struct backlog *b = bpf_map_lookup_elem(&backlogs, &cpu);
	struct backlog_pkt *p;

	if (!b)
		return 0;
	p = bpf_obj_new(struct backlog_pkt);
	if (!p)
		return 0;
	p->len = ctx->len;
	p->ifindex = ctx->ifindex;
	bpf_spin_lock(&b->lock);
	if (b->depth >= 128) {
		bpf_spin_unlock(&b->lock);
		bpf_obj_drop(p);
		return 1;
	}
	bpf_list_push_back(&b->pkts, &p->link);
	b->depth++;
	bpf_spin_unlock(&b->lock);
	return 0;
}

SEC("tc")
__description("map roots: sample into a per-interface tree (hash map, created on demand)")
__success
int if_sample_add(struct __sk_buff *ctx)
{
	__u32 ifindex = ctx->ifindex;
	struct if_tree *t = bpf_map_lookup_elem(&if_trees, &ifindex);
	struct if_sample *s;

	if (!t) {
		struct if_tree zero = {};

		bpf_map_update_elem(&if_trees, &ifindex, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&if_trees, &ifindex);
		if (!t)
			return 0;
	}
	s = bpf_obj_new(struct if_sample);
	if (!s)
		return 0;
	s->ts = bpf_ktime_get_ns();
	s->len = ctx->len;
	bpf_spin_lock(&t->lock);
	bpf_rbtree_add(&t->tree, &s->rb, sample_less);
	t->samples++;
	bpf_spin_unlock(&t->lock);
	return 0;
}

SEC("tc")
__description("map roots: flush the largest sample of an interface")
__success
int if_sample_pop_min(struct __sk_buff *ctx)
{
	__u32 ifindex = ctx->ifindex;
	struct if_tree *t = bpf_map_lookup_elem(&if_trees, &ifindex);
	struct bpf_rb_node *n;

	if (!t)
		return 0;
	bpf_spin_lock(&t->lock);
	n = bpf_rbtree_first(&t->tree);
	if (n)
		n = bpf_rbtree_remove(&t->tree, n);
	bpf_spin_unlock(&t->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct if_sample, rb));
	return 0;
}

SEC("tc")
__description("map roots (bug): the lookup result used before its NULL check")
__failure __msg("R1 type=map_value_or_null expected=map_value, ptr_")
__kernel("7.3-") __success
int backlog_unchecked_lookup(struct __sk_buff *ctx)
{
	__u32 cpu = 0;
	struct backlog *b = bpf_map_lookup_elem(&backlogs, &cpu);
	struct bpf_list_node *n;

	bpf_spin_lock(&b->lock);
	n = bpf_list_pop_front(&b->pkts);
	bpf_spin_unlock(&b->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct backlog_pkt, link));
	return 0;
}

BPF_VERDICT_LICENSE;
