// SPDX-License-Identifier: GPL-2.0
/* R32: bpf_spin_unlock must release the lock that is held. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct acct {
	struct bpf_spin_lock lock;
	__s64 balance;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, int);
	__type(value, struct acct);
	__uint(max_entries, 2);
} accounts SEC(".maps");

SEC("tc")
__description("unlock: lock and unlock one account at a time")
__success
int transfer_sequential(struct __sk_buff *ctx)
{
	int k0 = 0, k1 = 1;
	struct acct *a = bpf_map_lookup_elem(&accounts, &k0);
	struct acct *b = bpf_map_lookup_elem(&accounts, &k1);

	if (!a || !b)
		return 0;
	bpf_spin_lock(&a->lock);
	a->balance -= 10;
	bpf_spin_unlock(&a->lock);
	bpf_spin_lock(&b->lock);
	b->balance += 10;
	bpf_spin_unlock(&b->lock);
	return 0;
}

SEC("tc")
__description("unlock: without a lock held")
__failure __msg("bpf_spin_unlock without taking a lock")
int unlock_unheld(struct __sk_buff *ctx)
{
	int k = 0;
	struct acct *a = bpf_map_lookup_elem(&accounts, &k);

	if (!a)
		return 0;
	a->balance = 0;
	bpf_spin_unlock(&a->lock);
	return 0;
}

SEC("tc")
__description("unlock: releases the other account's lock")
__failure __msg("bpf_spin_unlock of different lock")
int unlock_other(struct __sk_buff *ctx)
{
	int k0 = 0, k1 = 1;
	struct acct *a = bpf_map_lookup_elem(&accounts, &k0);
	struct acct *b = bpf_map_lookup_elem(&accounts, &k1);

	if (!a || !b)
		return 0;
	bpf_spin_lock(&a->lock);
	a->balance -= 10;
	bpf_spin_unlock(&b->lock);
	return 0;
}

BPF_VERDICT_LICENSE;
