// SPDX-License-Identifier: GPL-2.0
/* Linux 7.3: bpf_list_add inserts an owning node after a node already in the list (owning or
 * non-owning); bpf_list_del takes a node out and returns an owning reference (maybe NULL);
 * bpf_list_push_front/back under their plain names (implicit meta and offset). */
#include "common.h"

private(ED) struct bpf_spin_lock ed_lock;
private(ED) struct bpf_list_head ed_list __contains(g73_item, node);

SEC("tc")
__description("7.3 list: bpf_list_add a new node after the front node")
__success
int add_after_front(struct __sk_buff *ctx)
{
	struct g73_item *it = bpf_obj_new(struct g73_item);
	struct bpf_list_node *f;

	if (!it)
		return 0;
	bpf_spin_lock(&ed_lock);
	f = bpf_list_front(&ed_list);
	if (!f) {
		bpf_list_push_back(&ed_list, &it->node);
		bpf_spin_unlock(&ed_lock);
		return 0;
	}
	bpf_list_add(&ed_list, &it->node, f);
	bpf_spin_unlock(&ed_lock);
	return 0;
}

SEC("tc")
__description("7.3 list: bpf_list_add with a node that is already in the list as the new one")
__failure __msg("expected pointer to allocated object")
int add_nonown_as_new(struct __sk_buff *ctx)
{
	struct bpf_list_node *f, *b;

	bpf_spin_lock(&ed_lock);
	f = bpf_list_front(&ed_list);
	b = bpf_list_back(&ed_list);
	if (f && b)
		bpf_list_add(&ed_list, f, b);
	bpf_spin_unlock(&ed_lock);
	return 0;
}

SEC("tc")
__description("7.3 list: bpf_list_del the front node and free it")
__success
int del_front(struct __sk_buff *ctx)
{
	struct bpf_list_node *f, *d = 0;

	bpf_spin_lock(&ed_lock);
	f = bpf_list_front(&ed_list);
	if (f)
		d = bpf_list_del(&ed_list, f);
	bpf_spin_unlock(&ed_lock);
	if (d)
		bpf_obj_drop(container_of(d, struct g73_item, node));
	return 0;
}

SEC("tc")
__description("7.3 list: bpf_list_del result never freed")
__failure __msg("Unreleased reference id=")
int del_leak(struct __sk_buff *ctx)
{
	struct bpf_list_node *f, *d = 0;

	bpf_spin_lock(&ed_lock);
	f = bpf_list_front(&ed_list);
	if (f)
		d = bpf_list_del(&ed_list, f);
	bpf_spin_unlock(&ed_lock);
	return d != 0;
}

SEC("tc")
__description("7.3 list: bpf_list_push_front (implicit arguments) then pop and free")
__success
int push_pop_implicit(struct __sk_buff *ctx)
{
	struct g73_item *it = bpf_obj_new(struct g73_item);
	struct bpf_list_node *n;

	if (!it)
		return 0;
	it->key = ctx->hash;
	bpf_spin_lock(&ed_lock);
	bpf_list_push_front(&ed_list, &it->node);
	n = bpf_list_pop_back(&ed_list);
	bpf_spin_unlock(&ed_lock);
	if (n)
		bpf_obj_drop(container_of(n, struct g73_item, node));
	return 0;
}

SEC("tc")
__description("7.3 list: bpf_list_push_back (implicit arguments) of the same node twice")
__failure __msg("expected pointer to allocated object")
int push_twice_implicit(struct __sk_buff *ctx)
{
	struct g73_item *it = bpf_obj_new(struct g73_item);

	if (!it)
		return 0;
	bpf_spin_lock(&ed_lock);
	bpf_list_push_back(&ed_list, &it->node);
	bpf_list_push_back(&ed_list, &it->node);
	bpf_spin_unlock(&ed_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
