// SPDX-License-Identifier: GPL-2.0
/* Loops in the styles people write: bounded for, while with a budget, bpf_loop, and the open-coded
 * numeric iterator (bpf_iter_num_*, kfuncs: not allowed while a lock is held in 6.12). */
#include "vmlinux.h"
#include "bpf_verdict.h"

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

struct credit {
	__u32 amount;
	struct bpf_list_node link;
};

private(CRED) struct bpf_spin_lock cred_lock;
private(CRED) struct bpf_list_head credits __contains(credit, link);
private(CRED) __u32 cred_total;

static __always_inline int grant(__u32 amount)
{
	struct credit *c = bpf_obj_new(struct credit);

	if (!c)
		return -1;
	c->amount = amount;
	bpf_spin_lock(&cred_lock);
	bpf_list_push_back(&credits, &c->link);
	cred_total += amount;
	bpf_spin_unlock(&cred_lock);
	return 0;
}

SEC("tc")
__description("loops: open-coded iterator, one critical section per step")
__success __model_differs("the model does not implement open-coded iterators (bpf_iter_num_*): unsupported")
int iter_grant(struct __sk_buff *ctx)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 4);
	while ((v = bpf_iter_num_next(&it))) {
		if (grant(*v + 1))
			break;
	}
	bpf_iter_num_destroy(&it);
	return 0;
}

SEC("tc")
__description("loops: while with a budget, consuming credits")
__success
int budget_consume(struct __sk_buff *ctx)
{
	__u32 need = ctx->len, budget = 16;

	while (need && budget--) {
		struct bpf_list_node *n;
		struct credit *c;

		bpf_spin_lock(&cred_lock);
		n = bpf_list_pop_front(&credits);
		if (n)
			cred_total -= container_of(n, struct credit, link)->amount;
		bpf_spin_unlock(&cred_lock);
		if (!n)
			return 1;
		c = container_of(n, struct credit, link);
		need = c->amount >= need ? 0 : need - c->amount;
		bpf_obj_drop(c);
	}
	return need != 0;
}

SEC("tc")
__description("loops (bug): open-coded iterator stepped inside the critical section")
__model_differs("the model does not implement open-coded iterators (bpf_iter_num_*): unsupported")
__failure __msg("function calls are not allowed while holding a lock")
__kernel("7.3-") __success
int iter_in_cs(struct __sk_buff *ctx)
{
	struct bpf_iter_num it;
	int *v, freed = 0;

	bpf_iter_num_new(&it, 0, 4);
	bpf_spin_lock(&cred_lock);
	while ((v = bpf_iter_num_next(&it))) {
		struct bpf_list_node *n = bpf_list_pop_front(&credits);

		if (!n)
			break;
		bpf_list_push_back(&credits, n);
		freed++;
	}
	bpf_spin_unlock(&cred_lock);
	bpf_iter_num_destroy(&it);
	return freed;
}

SEC("tc")
__description("loops (bug): pops in a loop, frees only the last one")
__failure __msg("Unreleased reference id=")
int loop_leaks_all_but_last(struct __sk_buff *ctx)
{
	struct bpf_list_node *n = NULL, *last = NULL;
	int i;

	for (i = 0; i < 3; i++) {
		bpf_spin_lock(&cred_lock);
		n = bpf_list_pop_front(&credits);
		bpf_spin_unlock(&cred_lock);
		if (n)
			last = n;
	}
	if (last)
		bpf_obj_drop(container_of(last, struct credit, link));
	return 0;
}

BPF_VERDICT_LICENSE;
