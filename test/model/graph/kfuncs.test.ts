// The kfunc table against the kernel's own declarations (helpers.c BTF_ID_FLAGS and prototypes).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTree612 } from '../../fixtures/kernel-tree.js';
import { kfuncSpec, kfuncTable, kfuncAllowedFor } from '../../../src/model/graph/kfuncs.js';


t.test('unknown kfuncs and profiles are unknown (the model then says unsupported)', async (t) => {
  t.equal(kfuncSpec('6.12', 'bpf_list_front'), null, 'bpf-next only');
  t.ok(kfuncSpec('bpf-next', 'bpf_list_front'));
  t.equal(kfuncSpec('6.12', 'bpf_task_acquire'), null);
  t.equal(kfuncTable('5.10'), null);
});

t.test('argument kinds follow the kernel prototype names', async (t) => {
  t.same(kfuncSpec('6.12', 'bpf_obj_new_impl')!.args.map((a) => a.kind), ['const', 'ignore']);
  t.same(kfuncSpec('6.12', 'bpf_obj_drop_impl')!.args.map((a) => a.kind), ['alloc', 'ignore']);
  t.same(kfuncSpec('6.12', 'bpf_rbtree_add_impl')!.args.map((a) => a.kind), ['rb_root', 'rb_node', 'callback', 'ignore', 'scalar']);
  t.same(kfuncSpec('6.12', 'bpf_refcount_acquire_impl')!.args.map((a) => a.kind), ['refcounted_kptr', 'ignore']);
  t.equal(kfuncSpec('6.12', 'bpf_rbtree_add_impl')!.callbackArg, 2);
});

t.test('program types', async (t) => {
  const s = kfuncSpec('6.12', 'bpf_list_pop_front')!;
  t.equal(kfuncAllowedFor(s, 'sched_cls'), true);
  t.equal(kfuncAllowedFor(s, 'tracepoint'), true, 'TRACEPOINT shares the TRACING kfunc hook');
  t.equal(kfuncAllowedFor(s, 'kprobe'), false);
  t.equal(kfuncAllowedFor(s, 'socket_filter'), false);
  t.equal(kfuncAllowedFor(s, 'unknown'), null);
});

t.test('flags match BTF_ID_FLAGS in helpers.c', async (t) => {
  const src = readFileSync(join(await kernelTree612(), 'kernel/bpf/helpers.c'), 'utf8');
  for (const [name, spec] of kfuncTable('6.12')!) {
    const m = new RegExp(`BTF_ID_FLAGS\\(func, ${name}(?:, ([^)]*))?\\)`).exec(src);
    t.ok(m, `${name} is registered`);
    const flags = (m?.[1] ?? '').split('|').map((s) => s.trim()).filter(Boolean).sort();
    t.same(flags, [...spec.flags].sort(), `${name} flags`);
  }
});
