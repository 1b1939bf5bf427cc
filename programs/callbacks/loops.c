// SPDX-License-Identifier: GPL-2.0
/* bpf_loop is a helper: it can't be called with a lock held (R29), but its callback can take and
 * release the lock itself. Bounded C loops are plain instructions and can run inside a section. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct tok {
	__u32 n;
	struct bpf_list_node link;
};

private(TOKS) struct bpf_spin_lock tok_lock;
private(TOKS) struct bpf_list_head tok_list __contains(tok, link);

static int refill_one(__u32 i, void *data)
{
	struct tok *t = bpf_obj_new(struct tok);

	if (!t)
		return 1;
	t->n = i;
	bpf_spin_lock(&tok_lock);
	bpf_list_push_back(&tok_list, &t->link);
	bpf_spin_unlock(&tok_lock);
	return 0;
}

static int drain_one(__u32 i, void *data)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&tok_lock);
	n = bpf_list_pop_front(&tok_list);
	bpf_spin_unlock(&tok_lock);
	if (!n)
		return 1;
	bpf_obj_drop(container_of(n, struct tok, link));
	(*(int *)data)++;
	return 0;
}

static int count_cb(__u32 i, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int lock_and_leave(__u32 i, void *data)
{
	bpf_spin_lock(&tok_lock);
	return 1;
}

SEC("tc")
__description("bpf_loop: the callback locks, pushes and unlocks")
__success
int loop_refill(struct __sk_buff *ctx)
{
	bpf_loop(8, refill_one, NULL, 0);
	return 0;
}

SEC("tc")
__description("bpf_loop: the callback pops and drops")
__success
int loop_drain(struct __sk_buff *ctx)
{
	int drained = 0;

	bpf_loop(64, drain_one, &drained, 0);
	return drained;
}

SEC("tc")
__description("bpf_loop: called while the lock is held")
__failure __msg("function calls are not allowed while holding a lock")
int loop_under_lock(struct __sk_buff *ctx)
{
	int c = 0;

	bpf_spin_lock(&tok_lock);
	bpf_loop(4, count_cb, &c, 0);
	bpf_spin_unlock(&tok_lock);
	return c;
}

SEC("tc")
__description("bpf_loop: the callback returns with the lock held (its next iteration locks again)")
__failure __msg("function calls are not allowed while holding a lock")
int loop_cb_keeps_lock(struct __sk_buff *ctx)
{
	bpf_loop(1, lock_and_leave, NULL, 0);
	return 0;
}

SEC("tc")
__description("bounded for loop: pop up to 4 nodes within one critical section")
__success
int for_pop_in_cs(struct __sk_buff *ctx)
{
	struct bpf_list_node *got[4] = {};
	int i, n = 0;

	bpf_spin_lock(&tok_lock);
	for (i = 0; i < 4; i++) {
		got[i] = bpf_list_pop_front(&tok_list);
		if (!got[i])
			break;
	}
	bpf_spin_unlock(&tok_lock);
	for (i = 0; i < 4; i++) {
		if (got[i]) {
			bpf_obj_drop(container_of(got[i], struct tok, link));
			n++;
		}
	}
	return n;
}

SEC("tc")
__description("bounded for loop: allocate inside a critical section")
__failure __msg("function calls are not allowed while holding a lock")
int for_alloc_in_cs(struct __sk_buff *ctx)
{
	int i;

	bpf_spin_lock(&tok_lock);
	for (i = 0; i < 2; i++) {
		struct tok *t = bpf_obj_new(struct tok);

		if (t)
			bpf_list_push_back(&tok_list, &t->link);
	}
	bpf_spin_unlock(&tok_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
