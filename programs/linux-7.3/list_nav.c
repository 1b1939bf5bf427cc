// SPDX-License-Identifier: GPL-2.0
/* Linux 7.3: list navigation kfuncs. bpf_list_front/back return a non-owning reference (maybe
 * NULL) usable until the unlock; bpf_list_is_first/is_last/empty answer scalars; all need the
 * root's lock held (KF_SPINLOCK_SAFE lets them run under it). */
#include "common.h"

private(NAV) struct bpf_spin_lock nav_lock;
private(NAV) struct bpf_list_head nav_list __contains(g73_item, node);

SEC("tc")
__description("7.3 list: bpf_list_front, NULL check, read under the lock")
__success
int front_read(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	__u64 v = 0;

	bpf_spin_lock(&nav_lock);
	n = bpf_list_front(&nav_list);
	if (n)
		v = container_of(n, struct g73_item, node)->val;
	bpf_spin_unlock(&nav_lock);
	return v & 1;
}

SEC("tc")
__description("7.3 list: bpf_list_front result read without a NULL check")
__failure __msg("invalid mem access")
int front_unchecked(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	__u64 v;

	bpf_spin_lock(&nav_lock);
	n = bpf_list_front(&nav_list);
	v = container_of(n, struct g73_item, node)->val;
	bpf_spin_unlock(&nav_lock);
	return v & 1;
}

SEC("tc")
__description("7.3 list: bpf_list_back without the lock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_list_head")
int back_unlocked(struct __sk_buff *ctx)
{
	struct bpf_list_node *n = bpf_list_back(&nav_list);

	return n != 0;
}

SEC("tc")
__description("7.3 list: bpf_list_back result used after the unlock")
__failure __msg("invalid mem access 'scalar'")
int back_after_unlock(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&nav_lock);
	n = bpf_list_back(&nav_list);
	bpf_spin_unlock(&nav_lock);
	if (!n)
		return 0;
	return container_of(n, struct g73_item, node)->val & 1;
}

SEC("tc")
__description("7.3 list: bpf_list_empty and bpf_list_is_first/is_last on the front node")
__success
int empty_first_last(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	int r = 0;

	bpf_spin_lock(&nav_lock);
	if (bpf_list_empty(&nav_list)) {
		bpf_spin_unlock(&nav_lock);
		return 0;
	}
	n = bpf_list_front(&nav_list);
	if (n)
		r = bpf_list_is_first(&nav_list, n) + bpf_list_is_last(&nav_list, n);
	bpf_spin_unlock(&nav_lock);
	return r;
}

SEC("tc")
__description("7.3 list: bpf_list_empty without the lock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_list_head")
int empty_unlocked(struct __sk_buff *ctx)
{
	return bpf_list_empty(&nav_list);
}

SEC("tc")
__description("7.3 list: bpf_list_is_last on a node after the unlock")
__failure __msg("bpf_spin_lock at off=0 must be held for bpf_list_head")
int is_last_unlocked(struct __sk_buff *ctx)
{
	struct g73_item *it = bpf_obj_new(struct g73_item);
	int r;

	if (!it)
		return 0;
	r = bpf_list_is_last(&nav_list, &it->node);
	bpf_obj_drop(it);
	return r;
}

BPF_VERDICT_LICENSE;
