// SPDX-License-Identifier: GPL-2.0
/* R33: bpf_spin_lock's argument is the lock field of a map value or of an owned local object. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct stats_nolock {
	__u64 rx;
	__u64 tx;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct stats_nolock);
	__uint(max_entries, 1);
} plain_stats SEC(".maps");

struct padded_lock_val {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct padded_lock_val);
	__uint(max_entries, 1);
} padded_locks SEC(".maps");

struct locked_obj {
	__u64 seq;
	struct bpf_spin_lock lock;
	__u64 data;
};

SEC("tc")
__description("lock arg: the lock inside an owned local object")
__success
int lock_local_object(struct __sk_buff *ctx)
{
	struct locked_obj *o = bpf_obj_new(struct locked_obj);

	if (!o)
		return 0;
	bpf_spin_lock(&o->lock);
	o->seq++;
	bpf_spin_unlock(&o->lock);
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("lock arg: a map value without a bpf_spin_lock")
__failure __msg("map 'plain_stats' has no valid bpf_spin_lock")
int lock_map_without_lock(struct __sk_buff *ctx)
{
	int k = 0;
	struct stats_nolock *s = bpf_map_lookup_elem(&plain_stats, &k);

	if (!s)
		return 0;
	bpf_spin_lock((struct bpf_spin_lock *)&s->rx);
	s->tx++;
	bpf_spin_unlock((struct bpf_spin_lock *)&s->rx);
	return 0;
}

SEC("tc")
__description("lock arg: the wrong field of a local object")
__failure __msg("off 16 doesn't point to 'struct bpf_spin_lock' that is at 8")
int lock_wrong_offset(struct __sk_buff *ctx)
{
	struct locked_obj *o = bpf_obj_new(struct locked_obj);

	if (!o)
		return 0;
	bpf_spin_lock((struct bpf_spin_lock *)&o->data);
	bpf_spin_unlock((struct bpf_spin_lock *)&o->data);
	bpf_obj_drop(o);
	return 0;
}

SEC("tc")
__description("lock arg: a local object with no lock at all")
__failure __msg("local 'kptr' has no valid bpf_spin_lock")
int lock_local_without_lock(struct __sk_buff *ctx)
{
	struct stats_nolock *s = bpf_obj_new(struct stats_nolock);

	if (!s)
		return 0;
	bpf_spin_lock((struct bpf_spin_lock *)&s->rx);
	bpf_spin_unlock((struct bpf_spin_lock *)&s->rx);
	bpf_obj_drop(s);
	return 0;
}

SEC("tc")
__description("lock arg: a map value lock at a variable offset")
__failure __msg("R1 doesn't have constant offset. bpf_spin_lock has to be at the constant offset")
int lock_variable_offset(struct __sk_buff *ctx)
{
	int k = 0;
	struct padded_lock_val *v = bpf_map_lookup_elem(&padded_locks, &k);
	struct bpf_spin_lock *l;

	if (!v)
		return 0;
	l = (void *)v + (ctx->hash & 8);
	bpf_spin_lock(l);
	v->n++;
	bpf_spin_unlock(l);
	return 0;
}

BPF_VERDICT_LICENSE;
