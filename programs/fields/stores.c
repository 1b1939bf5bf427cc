// SPDX-License-Identifier: GPL-2.0
/* R38/R40: where a reference may be copied. Stack spills are tracked like registers (released,
 * converted or invalidated together); a plain store into a map value copies the address but moves
 * no ownership. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct spill_obj {
	__u64 a;
	struct bpf_list_node link;
};

struct addr_log {
	__u64 last_addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct addr_log);
	__uint(max_entries, 1);
} addr_logs SEC(".maps");

private(SPILL) struct bpf_spin_lock spill_lock;
private(SPILL) struct bpf_list_head spill_list __contains(spill_obj, link);

SEC("tc")
__description("stores: reference spilled to the stack, reloaded, dropped")
__success
int spill_reload_drop(struct __sk_buff *ctx)
{
	struct spill_obj *volatile slot[2] = {};
	struct spill_obj *o = bpf_obj_new(struct spill_obj);

	if (!o)
		return 0;
	slot[1] = o;
	o = slot[1];
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("stores: the spilled copy used after the drop")
__failure __msg("invalid mem access 'scalar'")
int spill_use_after_drop(struct __sk_buff *ctx)
{
	struct spill_obj *volatile slot[2] = {};
	struct spill_obj *o = bpf_obj_new(struct spill_obj);

	if (!o)
		return 0;
	slot[0] = o;
	bpf_obj_drop(o);
	o = slot[0];
	return o->a;
}

SEC("tc")
__description("stores: spilled non-owning copy read after unlock")
__failure __msg("invalid mem access 'scalar'")
int spill_nonown_after_unlock(struct __sk_buff *ctx)
{
	struct spill_obj *volatile slot[2] = {};
	struct spill_obj *o = bpf_obj_new(struct spill_obj);

	if (!o)
		return 0;
	slot[0] = o;
	bpf_spin_lock(&spill_lock);
	bpf_list_push_back(&spill_list, &o->link);
	bpf_spin_unlock(&spill_lock);
	o = slot[0];
	return o->a;
}

SEC("tc")
__description("stores: address recorded in a plain map field, object still dropped")
__success
int store_addr_then_drop(struct __sk_buff *ctx)
{
	int k = 0;
	struct addr_log *l = bpf_map_lookup_elem(&addr_logs, &k);
	struct spill_obj *o;

	if (!l)
		return 0;
	o = bpf_obj_new(struct spill_obj);
	if (!o)
		return 0;
	l->last_addr = (__u64)o;
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("stores: a plain map store is not a stash, the object leaks")
__failure __msg("Unreleased reference id=")
int store_addr_as_stash(struct __sk_buff *ctx)
{
	int k = 0;
	struct addr_log *l = bpf_map_lookup_elem(&addr_logs, &k);
	struct spill_obj *o;

	if (!l)
		return 0;
	o = bpf_obj_new(struct spill_obj);
	if (!o)
		return 0;
	l->last_addr = (__u64)o;
	return 0;
}

BPF_VERDICT_LICENSE;
