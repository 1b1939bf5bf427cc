/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_verdict.h: what a bpf-verdict corpus program needs besides vmlinux.h.
 *
 *   #include "vmlinux.h"          (the target kernel's own, from `bpf-verdict btf`)
 *   #include "bpf_verdict.h"      (this file; pulls in <bpf/bpf_helpers.h>)
 *
 * Three parts:
 *   1. expectation annotations, stored as BTF decl tags on the program's function, in the form the
 *      kernel selftests' test_loader reads (so other runners understand our programs, and we
 *      understand theirs);
 *   2. extern declarations of the graph / allocation kfuncs as Debian 6.12's kernel exports them
 *      (the verifier reads argument kinds from the kernel's BTF, so our parameter names don't matter,
 *      only the types and the arity);
 *   3. convenience macros with the names BPF developers use (bpf_obj_new(type), bpf_list_push_front,
 *      bpf_rbtree_add, container_of, __contains, private(name)).
 */
#ifndef BPF_VERDICT_H
#define BPF_VERDICT_H

#include <bpf/bpf_helpers.h>

/* ---------------------------------------------------------------------------------------------
 * 1. Expectations (BTF decl tags on the program function)
 *
 *   __success                 the verifier accepts the program
 *   __failure                 the verifier rejects it (BTF-load/map-create failures included)
 *   __msg("text")             a line the verifier log must contain; several __msg are matched in
 *                             the order written, each as a substring; `{{regex}}` parts are regular
 *                             expressions
 *   __description("text")     a human name for the test
 *   __log_level(n)            verifier log level to load with (default: 1 for failures)
 *   __retval(v)               value BPF_PROG_TEST_RUN must return (runners that test-run)
 *   __model_differs("why")    bpf-verdict only: the reference model is known to disagree with the
 *                             kernel on this program, and why
 *   __kernel("range")         bpf-verdict only: the tags after it (up to the next __kernel) are
 *                             about these kernels only: "7.3" (the 7.3 line), "7.3-" (7.3 and
 *                             later), "-6.12" (up to 6.12.x), "6.13-7.2"; on a kernel in range they
 *                             replace what the unscoped tags say (a verdict replaces verdict and
 *                             messages). Tags before the first __kernel hold on every kernel.
 *
 *       __failure __msg("function calls are not allowed while holding a lock")
 *       __kernel("7.3-") __success
 *
 * Every tag carries __COUNTER__ ("comment:<n>:..."), as 7.x's bpf_misc.h writes them: clang keeps
 * one of two equal decl tags, and the number gives test_loader (and us) the order they were written.
 * ------------------------------------------------------------------------------------------- */
#define __verdict_str(x)	#x
#define __verdict_xstr(x)	__verdict_str(x)
#define __verdict_tag(text)	__attribute__((btf_decl_tag("comment:" __verdict_xstr(__COUNTER__) ":" text)))

#define __success		__verdict_tag("test_expect_success")
#define __failure		__verdict_tag("test_expect_failure")
#define __msg(m)		__verdict_tag("test_expect_msg=" m)
#define __description(d)	__verdict_tag("test_description=" d)
#define __log_level(n)		__verdict_tag("test_log_level=" #n)
#define __retval(v)		__verdict_tag("test_retval=" #v)
#define __model_differs(why)	__verdict_tag("bpf_verdict_model_differs=" why)
#define __kernel(range)		__verdict_tag("bpf_verdict_kernel=" range)

/* ---------------------------------------------------------------------------------------------
 * 2. Kfuncs (kernel/bpf/helpers.c of 6.12). The `_impl` functions take a hidden `meta` argument
 *    (and for insertions the node offset) that the verifier fills in; programs pass NULL / 0 and
 *    use the macros below.
 * ------------------------------------------------------------------------------------------- */
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void *bpf_percpu_obj_new_impl(__u64 local_type_id, void *meta) __ksym;
extern void bpf_obj_drop_impl(void *obj, void *meta) __ksym;
extern void bpf_percpu_obj_drop_impl(void *obj, void *meta) __ksym;
extern void *bpf_refcount_acquire_impl(void *obj, void *meta) __ksym;

extern int bpf_list_push_front_impl(struct bpf_list_head *head, struct bpf_list_node *node,
				    void *meta, __u64 off) __ksym;
extern int bpf_list_push_back_impl(struct bpf_list_head *head, struct bpf_list_node *node,
				   void *meta, __u64 off) __ksym;
extern struct bpf_list_node *bpf_list_pop_front(struct bpf_list_head *head) __ksym;
extern struct bpf_list_node *bpf_list_pop_back(struct bpf_list_head *head) __ksym;

extern int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			       bool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b),
			       void *meta, __u64 off) __ksym;
extern struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root,
					     struct bpf_rb_node *node) __ksym;
extern struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root) __ksym;

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

/* ---------------------------------------------------------------------------------------------
 * 3. Macros
 * ------------------------------------------------------------------------------------------- */

/* The local type id clang records for `type` in the program's own BTF (BPF_TYPE_ID_LOCAL == 0):
 * bpf_obj_new allocates an object of that program-BTF type. */
#define bpf_local_type_id(type)	__builtin_btf_type_id(*(type *)0, 0)

#define bpf_obj_new(type)	((type *)bpf_obj_new_impl(bpf_local_type_id(type), NULL))
#define bpf_percpu_obj_new(type) \
	((type __percpu_kptr *)bpf_percpu_obj_new_impl(bpf_local_type_id(type), NULL))
#define bpf_obj_drop(obj)	bpf_obj_drop_impl(obj, NULL)
#define bpf_percpu_obj_drop(obj) bpf_percpu_obj_drop_impl(obj, NULL)
#define bpf_refcount_acquire(obj) ((typeof(obj))bpf_refcount_acquire_impl(obj, NULL))

#define bpf_list_push_front(head, node)	bpf_list_push_front_impl(head, node, NULL, 0)
#define bpf_list_push_back(head, node)	bpf_list_push_back_impl(head, node, NULL, 0)
#define bpf_rbtree_add(root, node, less) bpf_rbtree_add_impl(root, node, less, NULL, 0)

/* A graph root's decl tag: which struct goes in, through which of its node fields. */
#define __contains(type, field)	__attribute__((btf_decl_tag("contains:" #type ":" #field)))

/* Referenced kptr fields in map values / local objects (6.12 reads the "kptr" / "percpu_kptr"
 * type tags). */
#ifndef __kptr
#define __kptr			__attribute__((btf_type_tag("kptr")))
#endif
#define __percpu_kptr		__attribute__((btf_type_tag("percpu_kptr")))

/* A global in its own data section `.bss.<name>`: libbpf makes one array map per such section, so
 * a lock and the roots it protects must share the name, and unrelated globals stay out of it. */
#define private(name)		SEC(".bss." #name) __hidden __attribute__((aligned(8)))

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

/* Nothing in the corpus depends on the kernel's licence checks, but graph kfuncs are GPL-only. */
#define BPF_VERDICT_LICENSE	char _license[] SEC("license") = "GPL"

#endif /* BPF_VERDICT_H */
