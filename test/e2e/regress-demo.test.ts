// The demonstration: Debian's 6.12 source vs the same source with our patch that stops
// invalidating non-owning references at bpf_spin_unlock. regress must flag exactly the corpus
// programs that use a non-owning reference after the unlock, and nothing else. Both kernels are
// built from source (cached between runs; the head build reuses the base build dir).
import t from 'tap';
import { join } from 'node:path';
import { execa } from 'execa';
import { runRegress } from '../../src/regress/index.js';

const root = join(import.meta.dirname, '../../..');
const cli = join(root, 'bin/bpf-verdict.js');
const patch = join(root, 'test/fixtures/patches/keep-non-owning-refs-after-unlock.patch');

/**
 * The corpus programs that depend on the rule, found by reading them: each keeps a pointer to a
 * node after bpf_list_push_*() / bpf_rbtree_add() (or from bpf_rbtree_first()) and uses it after
 * bpf_spin_unlock(). On 6.12 that pointer is invalidated at the unlock; with the patch it is
 * still a non-owning reference. When the corpus grows, this list is reviewed, not regenerated.
 */
const DEPENDS_ON_RULE: string[] = [
  'programs/fields/stores.c:spill_nonown_after_unlock',          // pointer spilled, pushed, reloaded after unlock
  'programs/nonown/lifetime.c:nonown_read_after_unlock',         // push_front, unlock, read
  'programs/nonown/lifetime.c:nonown_write_after_unlock',        // push_back, unlock, write
  'programs/nonown/lifetime.c:nonown_drop_after_unlock',         // push_back, unlock, bpf_obj_drop: a different error
  'programs/nonown/lifetime.c:nonown_remove_next_cs',            // rbtree_add, unlock, remove in a second section
  'programs/realistic/data_sections.c:pool_count_after_put',     // rbtree_add inside with_lock(), write after it
  'programs/realistic/prio_queue.c:pq_peek_after_unlock',        // bpf_rbtree_first, unlock, read the node
  'programs/refcount/nonown_refcounted.c:use_nonown_after_unlock', // push_back + refcount_acquire, unlock, read via f
  'programs/subprogs/static_refs.c:sub_use_after_enqueue',       // a static subprog pushes under the lock; read after
];

t.test('regress flags exactly the programs that use a non-owning ref after bpf_spin_unlock', async (t) => {
  const tree = (await execa('node', [cli, 'kernel', 'fetch', 'debian-source:6.12'])).stdout.trim();
  const res = await runRegress({
    base: `src:${tree}`, head: `src:${tree}+${patch}`, paths: [join(root, 'programs')],
    include: ['*.c'], exclude: ['include/**', 'build/**'], includeDirs: [join(root, 'programs/include')],
    onProgress: (e) => { if (e.kind === 'kernel' && e.message) process.stderr.write(`# [${e.spec.slice(-40)}] ${e.message}\n`); },
  });
  t.same(res.run?.kernels.map((k) => k.error), [null, null], 'both kernels built, booted and answered');
  t.ok(res.rows.length >= 20, `${res.rows.length} programs compared`);
  const name = (r: { object: string; program: string | null }) => `${r.object.replace(/^.*programs\//, 'programs/')}:${r.program}`;
  const changed = res.rows.filter((r) => r.changed);
  t.same(changed.map(name).sort(), [...DEPENDS_ON_RULE].sort(), 'changed: exactly the programs that depend on the rule');
  for (const r of changed) {
    t.equal(r.base.verdict, 'reject', `${name(r)}: rejected by 6.12`);
    t.ok(r.change === 'reject->accept' || r.change === 'rule', `${name(r)}: accepted now, or rejected for another reason`);
    t.equal(r.expected, 'failure', `${name(r)}: declared to fail`);
    t.equal(r.model_agrees, false, `${name(r)}: the model (6.12 rules) disagrees with the patched kernel`);
    t.equal(r.flagged, true, `${name(r)}: flagged`);
  }
  t.equal(res.rows.filter((r) => r.flagged).length, changed.length, 'nothing else is flagged');
  t.equal(res.exitCode, 1, 'exit 1: changes that disagree with the model');
});
