// SPDX-License-Identifier: GPL-2.0
/* Refcounted nodes in a list and a tree at once: an LRU list for eviction order and an rbtree index
 * by key, both holding a reference to the same cache entry. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct cache_ent {
	__u64 key;
	__u64 value;
	struct bpf_refcount ref;
	struct bpf_list_node lru;
	struct bpf_rb_node idx;
};

private(CACHE) struct bpf_spin_lock cache_lock;
private(CACHE) struct bpf_list_head cache_lru __contains(cache_ent, lru);
private(CACHE) struct bpf_rb_root cache_idx __contains(cache_ent, idx);
private(CACHE) __u64 cache_size;

#define idx_ent(n) container_of(n, struct cache_ent, idx)
#define lru_ent(n) container_of(n, struct cache_ent, lru)

static bool key_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return idx_ent(a)->key < idx_ent(b)->key;
}

SEC("tc")
__description("lru+index: insert into both (refcount_acquire for the second link)")
__success
int cache_insert(struct __sk_buff *ctx)
{
	struct cache_ent *e = bpf_obj_new(struct cache_ent), *e2;

	if (!e)
		return 0;
	e->key = ctx->hash;
	e->value = ctx->len;
	e2 = bpf_refcount_acquire(e);
	bpf_spin_lock(&cache_lock);
	bpf_rbtree_add(&cache_idx, &e->idx, key_less);
	bpf_list_push_front(&cache_lru, &e2->lru);
	cache_size++;
	bpf_spin_unlock(&cache_lock);
	return 0;
}

SEC("tc")
__description("lru+index: insert, acquiring the second reference from the non-owning one")
__success
int cache_insert_late_acquire(struct __sk_buff *ctx)
{
	struct cache_ent *e = bpf_obj_new(struct cache_ent), *e2;

	if (!e)
		return 0;
	e->key = ctx->hash;
	bpf_spin_lock(&cache_lock);
	bpf_rbtree_add(&cache_idx, &e->idx, key_less);
	e2 = bpf_refcount_acquire(e);	/* e is non-owning here: result may be NULL */
	if (e2)
		bpf_list_push_front(&cache_lru, &e2->lru);
	bpf_spin_unlock(&cache_lock);
	return 0;
}

SEC("tc")
__description("lru+index: look up the smallest key and copy out the value")
__success
int cache_lookup_min(struct __sk_buff *ctx)
{
	struct bpf_rb_node *n;
	__u64 v = 0;

	bpf_spin_lock(&cache_lock);
	n = bpf_rbtree_first(&cache_idx);
	if (n)
		v = idx_ent(n)->value;
	bpf_spin_unlock(&cache_lock);
	return v & 0xff;
}

SEC("tc")
__description("lru+index: evict the LRU tail from both structures")
__success
int cache_evict(struct __sk_buff *ctx)
{
	struct bpf_list_node *ln;
	struct bpf_rb_node *rn = NULL;
	struct cache_ent *e;

	bpf_spin_lock(&cache_lock);
	ln = bpf_list_pop_back(&cache_lru);
	if (!ln) {
		bpf_spin_unlock(&cache_lock);
		return 0;
	}
	e = lru_ent(ln);
	/* park it on the LRU again to get a non-owning ref, then take it out of the index */
	bpf_list_push_back(&cache_lru, &e->lru);
	rn = bpf_rbtree_remove(&cache_idx, &e->idx);
	ln = bpf_list_pop_back(&cache_lru);
	cache_size--;
	bpf_spin_unlock(&cache_lock);
	if (rn)
		bpf_obj_drop(idx_ent(rn));
	if (ln)
		bpf_obj_drop(lru_ent(ln));
	return 1;
}

SEC("tc")
__description("lru+index (bug): an owning LRU entry passed to rbtree_remove")
__failure __msg("rbtree_remove node input must be non-owning ref")
__kernel("7.3-") __success
int cache_evict_owning(struct __sk_buff *ctx)
{
	struct bpf_list_node *ln;
	struct bpf_rb_node *rn;

	bpf_spin_lock(&cache_lock);
	ln = bpf_list_pop_back(&cache_lru);
	if (!ln) {
		bpf_spin_unlock(&cache_lock);
		return 0;
	}
	rn = bpf_rbtree_remove(&cache_idx, &lru_ent(ln)->idx);
	bpf_spin_unlock(&cache_lock);
	bpf_obj_drop(lru_ent(ln));
	if (rn)
		bpf_obj_drop(idx_ent(rn));
	return 0;
}

BPF_VERDICT_LICENSE;
