// The lines' kfunc tables: argument kinds from the tree's prototypes, flags from BTF_ID_FLAGS,
// roles by hand; a kfunc without a role is absent (the model then says unsupported).
import t from 'tap';
import { getProfile } from '../../src/profiles/index.js';
import { argKind, checkedArgs } from '../../src/profiles/kfuncs.js';
import { kfuncAllowedFor } from '../../src/model/graph/kfuncs.js';
import { TREE as TREE_73 } from '../../src/profiles/linux-7.3/tree.generated.js';

const p612 = getProfile('6.12');
const p73 = getProfile('7.3');
const kinds = (line: string, name: string) => getProfile(line).kfuncs.get(name)!.args.map((a) => a.kind);

t.test('unknown kfuncs are absent (the model then says unsupported)', async (t) => {
  t.notOk(p612.kfuncs.has('bpf_list_front'), 'a 7.x kfunc is not in 6.12');
  t.ok(p73.kfuncs.has('bpf_list_front'));
  t.notOk(p612.kfuncs.has('bpf_task_acquire'), 'no role: not modelled');
  t.equal(getProfile('6.1').kfuncs.size, 0, '6.1 has no tree data: no kfunc is modelled');
  t.equal(getProfile('bpf-next'), p73, 'bpf-next is the newest line');
});

t.test('argument kinds follow the kernel prototype names', async (t) => {
  t.same(kinds('6.12', 'bpf_obj_new_impl'), ['const', 'ignore']);
  t.same(kinds('6.12', 'bpf_obj_drop_impl'), ['alloc', 'ignore']);
  t.same(kinds('6.12', 'bpf_rbtree_add_impl'), ['rb_root', 'rb_node', 'callback', 'ignore', 'scalar']);
  t.same(kinds('6.12', 'bpf_refcount_acquire_impl'), ['refcounted_kptr', 'ignore']);
  t.equal(p612.kfuncs.get('bpf_rbtree_add_impl')!.callbackArg, 2);
  t.same(argKind({ type: 'struct bpf_list_node *', name: 'prev__nonown_allowed' }), { kind: 'list_node', name: 'prev__nonown_allowed', nonOwnAllowed: true });
});

t.test('KF_IMPLICIT_ARGS: the _impl prototype is checked, arguments past the stripped count are implicit', async (t) => {
  t.same(kinds('7.3', 'bpf_obj_new'), ['const', 'implicit'], 'bpf_obj_new_impl(local_type_id__k, meta__ign), argn 1');
  t.same(kinds('7.3', 'bpf_rbtree_add'), ['rb_root', 'rb_node', 'callback', 'implicit', 'implicit']);
  const byName = new Map(TREE_73.kfuncs.map((k) => [k.name, k]));
  const add = byName.get('bpf_list_add')!;
  t.same(checkedArgs(add, byName).map((a) => a.kind), ['list_head', 'list_node', 'list_node', 'implicit', 'implicit'], 'no _impl kfunc: its own full prototype');
});

t.test('calls under a lock: is_bpf_graph_api_kfunc on 6.12, KF_SPINLOCK_SAFE on 7.3', async (t) => {
  t.equal(p612.kfuncs.get('bpf_list_pop_front')!.lockAllowed, true);
  t.equal(p612.kfuncs.get('bpf_obj_new_impl')!.lockAllowed, false);
  t.equal(p612.kfuncs.get('bpf_refcount_acquire_impl')!.lockAllowed, true);
  t.equal(p73.kfuncs.get('bpf_list_front')!.lockAllowed, true);
  t.equal(p73.kfuncs.get('bpf_obj_drop')!.lockAllowed, false);
  // kfunc_spin_allowed() reads any kfunc's flags, modelled or not
  t.equal(p73.kfuncLockAllowed('bpf_iter_num_new', 'sched_cls'), true, '7.3: a bpf_for loop may run under a lock');
  t.equal(p73.kfuncLockAllowed('bpf_res_spin_lock', 'xdp'), true);
  t.equal(p73.kfuncLockAllowed('bpf_obj_new', 'sched_cls'), false);
  t.equal(p73.kfuncLockAllowed('bpf_rcu_read_lock', 'sched_cls'), false);
  t.equal(p73.kfuncLockAllowed('bpf_list_pop_front', 'socket_filter'), false, 'no flags for a type its hook lacks');
  t.equal(p73.kfuncLockAllowed('bpf_skb_no_such_kfunc', 'sched_cls'), null, 'not registered in the tree: flags unknown');
  t.equal(p612.kfuncLockAllowed('bpf_iter_num_new', 'sched_cls'), false, '6.12: the graph-API set only');
  t.equal(p612.kfuncLockAllowed('bpf_rbtree_first', 'socket_filter'), true, '6.12: by id, whatever the type');
});

t.test('7.3 roles: the list and rbtree kfuncs 7.x added', async (t) => {
  t.match(p73.kfuncs.get('bpf_list_add'), { ret: 'scalar', effect: 'insert' });
  t.match(p73.kfuncs.get('bpf_list_del'), { ret: 'graph_pop', effect: 'none' });
  t.same(kinds('7.3', 'bpf_list_del'), ['list_head', 'list_node']);
  t.equal((p73.kfuncs.get('bpf_list_del')!.args[1] as { nonOwnAllowed: boolean }).nonOwnAllowed, true);
  for (const k of ['bpf_list_is_first', 'bpf_list_is_last', 'bpf_list_empty']) t.match(p73.kfuncs.get(k), { ret: 'scalar', effect: 'none' }, k);
  for (const k of ['bpf_rbtree_root', 'bpf_rbtree_left', 'bpf_rbtree_right']) t.match(p73.kfuncs.get(k), { ret: 'graph_peek', rbtreeApi: true }, k);
});

t.test('program types follow the set and the line\'s kfunc hooks', async (t) => {
  const s = p612.kfuncs.get('bpf_list_pop_front')!;
  t.equal(kfuncAllowedFor(s, 'sched_cls'), true);
  t.equal(kfuncAllowedFor(s, 'tracepoint'), true, 'TRACEPOINT shares the TRACING kfunc hook');
  t.equal(kfuncAllowedFor(s, 'kprobe'), false);
  t.equal(kfuncAllowedFor(s, 'raw_tracepoint'), false, '6.12: raw_tracepoint has no TRACING hook');
  t.equal(kfuncAllowedFor(p73.kfuncs.get('bpf_list_pop_front')!, 'raw_tracepoint'), true, '7.3: it does');
  t.equal(kfuncAllowedFor(s, 'socket_filter'), false);
  t.equal(kfuncAllowedFor(s, 'unknown'), null);
  t.equal(kfuncAllowedFor(p612.kfuncs.get('bpf_rcu_read_lock')!, 'socket_filter'), true, 'common set: every type');
});

t.test('flags are the tree\'s BTF_ID_FLAGS', async (t) => {
  t.same(p612.kfuncs.get('bpf_refcount_acquire_impl')!.flags, ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_RCU']);
  t.same(p73.kfuncs.get('bpf_refcount_acquire')!.flags, ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_RCU', 'KF_IMPLICIT_ARGS', 'KF_SPINLOCK_SAFE']);
});
