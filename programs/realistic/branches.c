// SPDX-License-Identifier: GPL-2.0
/* Ownership through branches and joins: the verifier follows each path separately, so every path
 * must hand the reference on exactly once. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct pkt_meta {
	__u32 len;
	__u32 verdict;
	struct bpf_list_node link;
};

private(META) struct bpf_spin_lock meta_lock;
private(META) struct bpf_list_head meta_keep __contains(pkt_meta, link);
private(META) struct bpf_list_head meta_drop __contains(pkt_meta, link);

SEC("tc")
__description("branches: keep or drop, decided per packet")
__success
int keep_or_drop(struct __sk_buff *ctx)
{
	struct pkt_meta *m = bpf_obj_new(struct pkt_meta);

	if (!m)
		return 0;
	m->len = ctx->len;
	if (ctx->len > 512) {
		bpf_spin_lock(&meta_lock);
		bpf_list_push_back(&meta_keep, &m->link);
		bpf_spin_unlock(&meta_lock);
	} else {
		bpf_obj_drop(m);
	}
	return 0;
}

SEC("tc")
__description("branches: one of two lists, chosen inside the section")
__success
int choose_list(struct __sk_buff *ctx)
{
	struct pkt_meta *m = bpf_obj_new(struct pkt_meta);
	int ret;

	if (!m)
		return 0;
	m->verdict = ctx->mark & 1;
	bpf_spin_lock(&meta_lock);
	if (m->verdict)
		ret = bpf_list_push_front(&meta_keep, &m->link);
	else
		ret = bpf_list_push_front(&meta_drop, &m->link);
	bpf_spin_unlock(&meta_lock);
	return ret;
}

SEC("tc")
__description("branches: rotate the keep list by one (pop front, push back)")
__success
int rotate_keep(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;

	bpf_spin_lock(&meta_lock);
	n = bpf_list_pop_front(&meta_keep);
	if (n)
		bpf_list_push_back(&meta_keep, n);
	bpf_spin_unlock(&meta_lock);
	return 0;
}

SEC("tc")
__description("branches (bug): small packets are neither kept nor dropped")
__failure __msg("Unreleased reference id=")
int keep_only_big(struct __sk_buff *ctx)
{
	struct pkt_meta *m = bpf_obj_new(struct pkt_meta);

	if (!m)
		return 0;
	bpf_spin_lock(&meta_lock);
	if (ctx->len > 512)
		bpf_list_push_back(&meta_keep, &m->link);
	bpf_spin_unlock(&meta_lock);
	return 0;
}

SEC("tc")
__description("branches (bug): big packets pushed, then every packet dropped")
__failure __msg("function calls are not allowed while holding a lock")
int push_then_drop_all(struct __sk_buff *ctx)
{
	struct pkt_meta *m = bpf_obj_new(struct pkt_meta);

	if (!m)
		return 0;
	bpf_spin_lock(&meta_lock);
	if (ctx->len > 512)
		bpf_list_push_back(&meta_keep, &m->link);
	bpf_obj_drop(m);
	bpf_spin_unlock(&meta_lock);
	return 0;
}

SEC("tc")
__description("branches (bug): dropped on one path, read after the join")
__failure __msg("invalid mem access 'scalar'")
int drop_then_read(struct __sk_buff *ctx)
{
	struct pkt_meta *m = bpf_obj_new(struct pkt_meta);
	__u32 len;

	if (!m)
		return 0;
	m->len = ctx->len;
	if (ctx->len < 64)
		bpf_obj_drop(m);
	len = m->len;
	if (ctx->len >= 64)
		bpf_obj_drop(m);
	return len;
}

BPF_VERDICT_LICENSE;
