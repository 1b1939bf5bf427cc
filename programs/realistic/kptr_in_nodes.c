// SPDX-License-Identifier: GPL-2.0
/* List nodes that own another object through a kptr field: a connection record on a list carries
 * its (optional) TLS state; the state is attached before queueing and detached after popping. */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct tls_state {
	__u64 seq;
	__u32 cipher;
};

struct conn_node {
	__u32 cookie;
	struct tls_state __kptr *tls;
	struct bpf_list_node link;
};

private(CONNQ) struct bpf_spin_lock connq_lock;
private(CONNQ) struct bpf_list_head connq __contains(conn_node, link);

SEC("tc")
__description("kptr in nodes: attach state, then queue the record")
__success
int conn_attach_queue(struct __sk_buff *ctx)
{
	struct conn_node *c = bpf_obj_new(struct conn_node);
	struct tls_state *t, *old;

	if (!c)
		return 0;
	c->cookie = ctx->hash;
	t = bpf_obj_new(struct tls_state);
	if (t) {
		t->cipher = 0x1301;
		old = bpf_kptr_xchg(&c->tls, t);
		if (old)
			bpf_obj_drop(old);
	}
	bpf_spin_lock(&connq_lock);
	bpf_list_push_back(&connq, &c->link);
	bpf_spin_unlock(&connq_lock);
	return 0;
}

SEC("tc")
__description("kptr in nodes: pop a record, detach its state, free both")
__success
int conn_pop_detach(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct conn_node *c;
	struct tls_state *t;
	__u64 seq = 0;

	bpf_spin_lock(&connq_lock);
	n = bpf_list_pop_front(&connq);
	bpf_spin_unlock(&connq_lock);
	if (!n)
		return 0;
	c = container_of(n, struct conn_node, link);
	t = bpf_kptr_xchg(&c->tls, NULL);
	if (t) {
		seq = t->seq;
		bpf_obj_drop(t);
	}
	bpf_obj_drop(c);
	return seq & 1;
}

SEC("tc")
__description("kptr in nodes (bug): detached state never freed")
__failure __msg("Unreleased reference id=")
int conn_detach_leak(struct __sk_buff *ctx)
{
	struct bpf_list_node *n;
	struct conn_node *c;
	struct tls_state *t;

	bpf_spin_lock(&connq_lock);
	n = bpf_list_pop_front(&connq);
	bpf_spin_unlock(&connq_lock);
	if (!n)
		return 0;
	c = container_of(n, struct conn_node, link);
	t = bpf_kptr_xchg(&c->tls, NULL);
	bpf_obj_drop(c);
	return t != NULL;
}

BPF_VERDICT_LICENSE;
