/* SPDX-License-Identifier: GPL-2.0 */
/* Types and roots shared by the Linux 7.3 graph programs of this directory. */
#include "vmlinux.h"
#include "bpf_verdict.h"
#include "bpf_verdict_73.h"

struct g73_item {
	__u64 key;
	__u64 val;
	struct bpf_list_node node;
};

struct g73_tnode {
	__u64 key;
	struct bpf_rb_node rb;
	struct bpf_refcount rc;
};

struct g73_plain {
	__u64 a;
	struct bpf_list_node node;
};

static bool tnode_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct g73_tnode, rb)->key < container_of(b, struct g73_tnode, rb)->key;
}
