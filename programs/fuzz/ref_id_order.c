// SPDX-License-Identifier: GPL-2.0
/* Found by `bpf-verdict fuzz --kernel debian:6.12 --seed 11` (program 2943, shrunk from 36 to 22
 * statements) and checked in as the campaign found it. The leak itself is agreed on; the reference
 * id in the message is not: the kernel numbers ids from one counter over every path it has walked
 * (env->id_gen), and it walks the two loops of the other arm a different number of times than the
 * model, which prunes without liveness or precision marks. So the model names another id. 7.x
 * reports the leak as 'BPF_EXIT instruction in main prog would lead to reference leak', where
 * model and kernel agree.
 */
#include "vmlinux.h"
#include "bpf_verdict.h"

struct fz_item {
	__u64 key;
	__u64 val;
	struct bpf_list_node node;
};

struct fz_shared {
	__u64 key;
	struct bpf_refcount rc;
	struct bpf_list_node node;
	struct bpf_rb_node rb;
};

private(FZA) struct bpf_spin_lock fza_lock;
private(FZA) struct bpf_list_head fza_list __contains(fz_item, node);
private(FZA) struct bpf_rb_root fza_tree __contains(fz_shared, rb);
private(FZA) struct fz_item *fza_btf_item;
private(FZA) struct fz_shared *fza_btf_shared;

struct fz_tnode {
	__u64 key;
	struct bpf_rb_node rb;
};

private(FZB) struct bpf_spin_lock fzb_lock;
private(FZB) struct bpf_list_head fzb_list __contains(fz_shared, node);
private(FZB) struct bpf_rb_root fzb_tree __contains(fz_tnode, rb);
private(FZB) struct fz_shared *fzb_btf_shared;
private(FZB) struct fz_tnode *fzb_btf_tnode;

SEC("xdp")
__description("fuzz finding: a leak after an arm that pops in two loops (reference id numbering)")
__failure
__msg("Unreleased reference id=26 alloc_insn=77")
__kernel("-6.12") __model_differs("the model walks the other arm's loops a different number of times than the kernel (no liveness or precision marks), so its reference ids differ: model 'Unreleased reference id=22 alloc_insn=77'")
int f_11_2943(struct xdp_md *ctx)
{
	__u32 rnd = bpf_get_prandom_u32();
	if (rnd & 16) {
		for (int i1 = 0; i1 < 4; i1++) {
			struct bpf_rb_node *g;
			bpf_spin_lock(&fza_lock);
			g = bpf_rbtree_first(&fza_tree);
			if (g)
				g = bpf_rbtree_remove(&fza_tree, g);
			bpf_spin_unlock(&fza_lock);
			if (!g)
				break;
			bpf_obj_drop(container_of(g, struct fz_shared, rb));
		}
		for (int i2 = 0; i2 < 4; i2++) {
			struct bpf_list_node *g;
			bpf_spin_lock(&fzb_lock);
			g = bpf_list_pop_front(&fzb_list);
			bpf_spin_unlock(&fzb_lock);
			if (!g)
				break;
			bpf_obj_drop(container_of(g, struct fz_shared, node));
		}
		return 0;
	}
	struct fz_item *lk3 = bpf_obj_new(struct fz_item);
}

BPF_VERDICT_LICENSE;

