// SPDX-License-Identifier: GPL-2.0
/* Linux 7.3: bpf_obj_new / bpf_obj_drop / bpf_percpu_obj_new / bpf_percpu_obj_drop /
 * bpf_refcount_acquire under their plain names (implicit arguments), what may run under a
 * bpf_spin_lock (KF_SPINLOCK_SAFE kfuncs and bpf_kptr_xchg: yes; allocation and helpers: no),
 * constant-key array lookups, and the reference-leak message at exit. */
#include "common.h"

private(AL) struct bpf_spin_lock al_lock;
private(AL) struct bpf_list_head al_list __contains(g73_plain, node);

struct g73_pc { __u64 n; };

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

struct stash {
	struct g73_tnode __kptr *t;
	struct bpf_spin_lock lock;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct stash);
	__uint(max_entries, 4);
} stashes SEC(".maps");

SEC("tc")
__description("7.3 alloc: bpf_obj_new and bpf_obj_drop under their plain names")
__success
int new_drop_implicit(struct __sk_buff *ctx)
{
	struct g73_plain *p = bpf_obj_new(struct g73_plain);

	if (!p)
		return 0;
	p->a = ctx->len;
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 alloc: bpf_obj_new result written without a NULL check")
__failure __msg("invalid mem access 'ptr_or_null_'")
int new_unchecked_implicit(struct __sk_buff *ctx)
{
	struct g73_plain *p = bpf_obj_new(struct g73_plain);

	p->a = 1;
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 alloc: bpf_percpu_obj_new and bpf_percpu_obj_drop")
__success
int percpu_new_drop_implicit(struct __sk_buff *ctx)
{
	struct g73_pc __percpu_kptr *p = bpf_percpu_obj_new(struct g73_pc);

	if (!p)
		return 0;
	bpf_percpu_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 alloc: bpf_obj_drop of a percpu object")
__failure __msg("bpf_obj_drop")
int percpu_plain_drop_implicit(struct __sk_buff *ctx)
{
	struct g73_pc __percpu_kptr *p = bpf_percpu_obj_new(struct g73_pc);

	if (!p)
		return 0;
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 refcount: bpf_refcount_acquire (plain name) under the lock, push the copy")
__success
int acquire_under_lock(struct __sk_buff *ctx)
{
	struct g73_tnode *t = bpf_obj_new(struct g73_tnode);
	struct g73_tnode *ref;

	if (!t)
		return 0;
	bpf_spin_lock(&al_lock);
	ref = bpf_refcount_acquire(t);
	bpf_spin_unlock(&al_lock);
	bpf_obj_drop(t);
	if (ref)
		bpf_obj_drop(ref);
	return 0;
}

SEC("tc")
__description("7.3 refcount: bpf_refcount_acquire (plain name) of a type without bpf_refcount")
__failure __msg("doesn't point to a type with bpf_refcount field")
int acquire_unrefcounted_implicit(struct __sk_buff *ctx)
{
	struct g73_plain *p = bpf_obj_new(struct g73_plain);
	struct g73_plain *q;

	if (!p)
		return 0;
	q = bpf_refcount_acquire(p);
	if (q)
		bpf_obj_drop(q);
	bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 lock: bpf_obj_new while holding the lock")
__failure __msg("function calls are not allowed while holding a lock")
int new_under_lock(struct __sk_buff *ctx)
{
	struct g73_plain *p;

	bpf_spin_lock(&al_lock);
	p = bpf_obj_new(struct g73_plain);
	bpf_spin_unlock(&al_lock);
	if (p)
		bpf_obj_drop(p);
	return 0;
}

SEC("tc")
__description("7.3 lock: bpf_kptr_xchg while holding the map value's lock")
__success
int kptr_xchg_under_lock(struct __sk_buff *ctx)
{
	__u32 k = 0;
	struct stash *s = bpf_map_lookup_elem(&stashes, &k);
	struct g73_tnode *t, *old;

	if (!s)
		return 0;
	t = bpf_obj_new(struct g73_tnode);
	if (!t)
		return 0;
	bpf_spin_lock(&s->lock);
	old = bpf_kptr_xchg(&s->t, t);
	bpf_spin_unlock(&s->lock);
	if (old)
		bpf_obj_drop(old);
	return 0;
}

SEC("tc")
__description("7.3 lock: a bpf_for loop (open-coded iterator) inside the critical section")
__success __model_differs("the model does not implement open-coded iterators (bpf_iter_num_*): unsupported")
int iter_under_lock(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct bpf_iter_num it;
	int cnt = 0;

	bpf_spin_lock(&al_lock);
	bpf_iter_num_new(&it, 0, 4);
	while (bpf_iter_num_next(&it)) {
		n = bpf_list_front(&al_list);
		if (n)
			cnt++;
	}
	bpf_iter_num_destroy(&it);
	bpf_spin_unlock(&al_lock);
	return cnt;
}

SEC("tc")
__description("7.3 lock: bpf_ktime_get_ns while holding the lock")
__failure __msg("function calls are not allowed while holding a lock")
int helper_under_lock(struct __sk_buff *ctx)
{
	__u64 t;

	bpf_spin_lock(&al_lock);
	t = bpf_ktime_get_ns();
	bpf_spin_unlock(&al_lock);
	return t & 1;
}

SEC("tc")
__description("7.3 maps: a constant in-bounds key (zeroed stack) of an array map gives a non-NULL value")
__success
int array_const_key(struct __sk_buff *ctx)
{
	__u32 k = 0;
	struct stash *s = bpf_map_lookup_elem(&stashes, &k);

	return s->t != 0;
}

SEC("tc")
__description("7.3 maps: a key stored from a 32-bit register is not a tracked constant: may be NULL")
__failure __msg("invalid mem access 'map_value_or_null'")
int array_const_key_oob(struct __sk_buff *ctx)
{
	__u32 k = 9;
	struct stash *s = bpf_map_lookup_elem(&stashes, &k);

	return s->t != 0;
}

SEC("tc")
__description("7.3 leaks: an allocation never freed")
__failure __msg("Unreleased reference id=") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
int leak_at_exit(struct __sk_buff *ctx)
{
	struct g73_plain *p = bpf_obj_new(struct g73_plain);

	return p != 0;
}

BPF_VERDICT_LICENSE;
