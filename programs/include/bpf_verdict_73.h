/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_verdict_73.h: the graph kfuncs as Linux 7.3 exports them, for programs of kernel line 7.3
 * (include after bpf_verdict.h). 7.3 registers the implicit-argument forms (KF_IMPLICIT_ARGS:
 * the verifier supplies `meta` and the node offset) under the plain names, beside the 6.12
 * `_impl` ones, and adds list/rbtree navigation kfuncs. bpftool's vmlinux.h of a 7.3 kernel may
 * carry these prototypes itself (unless BPF_NO_KFUNC_PROTOTYPES); they are declared here, __weak
 * like bpftool's, so both headers agree and the corpus builds with any vmlinux.h.
 * A program using these fails to load on 6.12 (no such kfuncs): it is a 7.3 program.
 */
#ifndef BPF_VERDICT_73_H
#define BPF_VERDICT_73_H

/* The 6.12 macros of bpf_verdict.h name the same functions: the 7.3 kfuncs replace them. */
#undef bpf_obj_new
#undef bpf_percpu_obj_new
#undef bpf_obj_drop
#undef bpf_percpu_obj_drop
#undef bpf_refcount_acquire
#undef bpf_list_push_front
#undef bpf_list_push_back
#undef bpf_rbtree_add

/* kernel/bpf/helpers.c of 7.3 (the prototypes a program sees: implicit arguments stripped) */
extern void *bpf_obj_new(__u64 local_type_id__k) __weak __ksym;
extern void *bpf_percpu_obj_new(__u64 local_type_id__k) __weak __ksym;
extern void bpf_obj_drop(void *p__alloc) __weak __ksym;
extern void bpf_percpu_obj_drop(void *p__alloc) __weak __ksym;
extern void *bpf_refcount_acquire(void *p__refcounted_kptr) __weak __ksym;

extern int bpf_list_push_front(struct bpf_list_head *head, struct bpf_list_node *node) __weak __ksym;
extern int bpf_list_push_back(struct bpf_list_head *head, struct bpf_list_node *node) __weak __ksym;
extern int bpf_list_add(struct bpf_list_head *head, struct bpf_list_node *new,
			struct bpf_list_node *prev__nonown_allowed) __weak __ksym;
extern struct bpf_list_node *bpf_list_del(struct bpf_list_head *head,
					  struct bpf_list_node *node__nonown_allowed) __weak __ksym;
extern struct bpf_list_node *bpf_list_front(struct bpf_list_head *head) __weak __ksym;
extern struct bpf_list_node *bpf_list_back(struct bpf_list_head *head) __weak __ksym;
extern bool bpf_list_is_first(struct bpf_list_head *head, struct bpf_list_node *node__nonown_allowed) __weak __ksym;
extern bool bpf_list_is_last(struct bpf_list_head *head, struct bpf_list_node *node__nonown_allowed) __weak __ksym;
extern bool bpf_list_empty(struct bpf_list_head *head) __weak __ksym;

extern int bpf_rbtree_add(struct bpf_rb_root *root, struct bpf_rb_node *node,
			  bool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b)) __weak __ksym;
extern struct bpf_rb_node *bpf_rbtree_root(struct bpf_rb_root *root) __weak __ksym;
extern struct bpf_rb_node *bpf_rbtree_left(struct bpf_rb_root *root, struct bpf_rb_node *node) __weak __ksym;
extern struct bpf_rb_node *bpf_rbtree_right(struct bpf_rb_root *root, struct bpf_rb_node *node) __weak __ksym;

/* As 7.3's selftests bpf_experimental.h: the type argument becomes its local type id. */
#define bpf_obj_new(type)		((type *)bpf_obj_new(bpf_local_type_id(type)))
#define bpf_percpu_obj_new(type)	((type __percpu_kptr *)bpf_percpu_obj_new(bpf_local_type_id(type)))
#define bpf_refcount_acquire(obj)	((typeof(obj))bpf_refcount_acquire(obj))

#endif /* BPF_VERDICT_73_H */
