// SPDX-License-Identifier: GPL-2.0
/* R5: a list head argument must point into a map value or into an owned local object. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct msg_item {
	int id;
	struct bpf_list_node link;
};

/* A local object that owns a list of its own (protected by its own lock). */
struct mailbox {
	struct bpf_spin_lock lock;
	struct bpf_list_head msgs __contains(msg_item, link);
};

SEC("tc")
__description("root kind: list head inside an owned local object")
__success
int root_in_owned_object(struct __sk_buff *ctx)
{
	struct mailbox *mb = bpf_obj_new(struct mailbox);
	struct msg_item *m;

	if (!mb)
		return 0;
	m = bpf_obj_new(struct msg_item);
	if (!m) {
		bpf_obj_drop(mb);
		return 0;
	}
	bpf_spin_lock(&mb->lock);
	bpf_list_push_back(&mb->msgs, &m->link);
	bpf_spin_unlock(&mb->lock);
	/* dropping the mailbox frees the messages still on its list */
	bpf_obj_drop(mb);
	return 0;
}

SEC("tc")
__description("root kind: list head on the stack")
__failure __msg("arg#0 expected pointer to map value or allocated object")
__kernel("7.3-") __msg("R1 expected pointer to map value or allocated object")
int root_on_stack(struct __sk_buff *ctx)
{
	struct bpf_list_head local_head = {};
	struct bpf_list_node *n;

	n = bpf_list_pop_front(&local_head);
	if (n)
		bpf_obj_drop(container_of(n, struct msg_item, link));
	return 0;
}

BPF_VERDICT_LICENSE;
