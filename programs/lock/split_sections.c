// SPDX-License-Identifier: GPL-2.0
/* A lock protects roots of its own map only: a lock and a list head placed in different data
 * sections (different maps) don't go together. A section holding a list head but no lock gets no
 * field record at all in 6.12 (the map is still created), so its head is "not found". */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct note {
	__u64 v;
	struct bpf_list_node link;
};

private(NOTES) struct bpf_spin_lock notes_lock;
private(NOTES) struct bpf_list_head notes __contains(note, link);

/* a typo-level mistake: the head went into another section than its lock */
private(NOTES_HEAD) struct bpf_list_head stray_notes __contains(note, link);

SEC("tc")
__description("split sections: lock and head in the same section")
__success
int notes_same_section(struct __sk_buff *ctx)
{
	struct note *n = bpf_obj_new(struct note);

	if (!n)
		return 0;
	bpf_spin_lock(&notes_lock);
	bpf_list_push_front(&notes, &n->link);
	bpf_spin_unlock(&notes_lock);
	return 0;
}

SEC("tc")
__description("split sections (bug): the head is in a section without a lock (no usable record there)")
__failure __msg("bpf_list_head not found at offset=0")
int notes_other_section(struct __sk_buff *ctx)
{
	struct note *n = bpf_obj_new(struct note);

	if (!n)
		return 0;
	bpf_spin_lock(&notes_lock);
	bpf_list_push_front(&stray_notes, &n->link);
	bpf_spin_unlock(&notes_lock);
	return 0;
}

BPF_VERDICT_LICENSE;
