/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by programs/basics: self-contained (uapi headers only, no vmlinux.h, no graph kfuncs),
 * so the model's interpreter tests compile them with clang-19 on any machine. The expectation
 * tags are the ones of ../include/bpf_verdict.h (test_loader's decl-tag form). */
#ifndef BASICS_H
#define BASICS_H
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __verdict_str(x)	#x
#define __verdict_xstr(x)	__verdict_str(x)
#define __verdict_tag(text)	__attribute__((btf_decl_tag("comment:" __verdict_xstr(__COUNTER__) ":" text)))
#define __success		__verdict_tag("test_expect_success")
#define __failure		__verdict_tag("test_expect_failure")
#define __msg(m)		__verdict_tag("test_expect_msg=" m)
#define __description(d)	__verdict_tag("test_description=" d)
#define __model_differs(why)	__verdict_tag("bpf_verdict_model_differs=" why)
#define __kernel(range)		__verdict_tag("bpf_verdict_kernel=" range)
#define BPF_VERDICT_LICENSE	char _license[] SEC("license") = "GPL"

#define __naked __attribute__((naked))
#define __imm(name) [name] "i"(name)
#define __imm_addr(name) [name] "i"(&name)
#define __clobber_all "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory"
#endif
