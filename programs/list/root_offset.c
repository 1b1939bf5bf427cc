// SPDX-License-Identifier: GPL-2.0
/* R6/R7: the list head argument is at a constant offset where the value really has a list head. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct shard_item {
	__u64 key;
	struct bpf_list_node link;
};

struct shard_value {
	struct bpf_spin_lock lock;
	__u32 count;
	struct bpf_list_head shards[4] __contains(shard_item, link);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct shard_value);
	__uint(max_entries, 1);
} shard_map SEC(".maps");

SEC("tc")
__description("root offset: constant index into an array of list heads")
__success
int root_const_index(struct __sk_buff *ctx)
{
	int zero = 0;
	struct shard_value *v = bpf_map_lookup_elem(&shard_map, &zero);
	struct shard_item *it;

	if (!v)
		return 0;
	it = bpf_obj_new(struct shard_item);
	if (!it)
		return 0;
	it->key = ctx->hash;
	bpf_spin_lock(&v->lock);
	bpf_list_push_back(&v->shards[2], &it->link);
	v->count++;
	bpf_spin_unlock(&v->lock);
	return 0;
}

SEC("tc")
__description("root offset: variable index into an array of list heads")
__failure __msg("doesn't have constant offset. bpf_list_head has to be at the constant offset")
int root_variable_index(struct __sk_buff *ctx)
{
	int zero = 0;
	struct shard_value *v = bpf_map_lookup_elem(&shard_map, &zero);
	struct bpf_list_node *n;
	__u32 idx = ctx->hash & 3;

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	n = bpf_list_pop_front(&v->shards[idx]);
	bpf_spin_unlock(&v->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct shard_item, link));
	return 0;
}

SEC("tc")
__description("root offset: counter field passed as a list head")
__failure __msg("bpf_list_head not found at offset=4")
int root_wrong_field(struct __sk_buff *ctx)
{
	int zero = 0;
	struct shard_value *v = bpf_map_lookup_elem(&shard_map, &zero);
	struct bpf_list_node *n;

	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	n = bpf_list_pop_front((struct bpf_list_head *)&v->count);
	bpf_spin_unlock(&v->lock);
	if (n)
		bpf_obj_drop(container_of(n, struct shard_item, link));
	return 0;
}

BPF_VERDICT_LICENSE;
