// SPDX-License-Identifier: GPL-2.0
/* Allocate a batch first (no allocation is allowed under the lock), keep the references in a stack
 * array, then insert them all in one critical section; free what could not be inserted. */
#include "vmlinux.h"
#include "bpf_verdict.h"

#define BATCH 4

struct smp_rec {
	__u64 v;
	struct bpf_rb_node rb;
};

private(SAMPLES) struct bpf_spin_lock samples_lock;
private(SAMPLES) struct bpf_rb_root samples __contains(smp_rec, rb);

static bool sample_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct smp_rec, rb)->v < container_of(b, struct smp_rec, rb)->v;
}

SEC("tc")
__description("batch: allocate 4 up front, insert them under one lock")
__success
int batch_insert(struct __sk_buff *ctx)
{
	struct smp_rec *batch[BATCH];
	int i, n = 0;

	for (i = 0; i < BATCH; i++) {
		batch[i] = bpf_obj_new(struct smp_rec);
		if (batch[i])
			batch[i]->v = ctx->hash + i;
	}
	bpf_spin_lock(&samples_lock);
	for (i = 0; i < BATCH; i++) {
		if (batch[i]) {
			bpf_rbtree_add(&samples, &batch[i]->rb, sample_less);
			n++;
		}
	}
	bpf_spin_unlock(&samples_lock);
	return n;
}

SEC("tc")
__description("batch: take the 4 smallest out under one lock, free them after")
__success
int batch_remove(struct __sk_buff *ctx)
{
	struct bpf_rb_node *out[BATCH] = {};
	int i, n = 0;

	bpf_spin_lock(&samples_lock);
	for (i = 0; i < BATCH; i++) {
		struct bpf_rb_node *f = bpf_rbtree_first(&samples);

		if (!f)
			break;
		out[i] = bpf_rbtree_remove(&samples, f);
	}
	bpf_spin_unlock(&samples_lock);
	for (i = 0; i < BATCH; i++) {
		if (out[i]) {
			bpf_obj_drop(container_of(out[i], struct smp_rec, rb));
			n++;
		}
	}
	return n;
}

SEC("tc")
__description("batch (bug): the last batch slot is never inserted nor freed")
__failure __msg("Unreleased reference id=")
int batch_off_by_one(struct __sk_buff *ctx)
{
	struct smp_rec *batch[BATCH];
	int i;

	for (i = 0; i < BATCH; i++)
		batch[i] = bpf_obj_new(struct smp_rec);
	bpf_spin_lock(&samples_lock);
	for (i = 0; i < BATCH - 1; i++)
		if (batch[i])
			bpf_rbtree_add(&samples, &batch[i]->rb, sample_less);
	bpf_spin_unlock(&samples_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
