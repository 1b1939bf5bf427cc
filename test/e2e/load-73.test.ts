// End to end on Debian's 7.3.4 kernel in QEMU (the 7.3 spec of bpf-verdict.yaml): rejections are
// read from real 7.x logs, where failure reports and per-subprog statistics follow the error line
// (and, for leaks, the error line follows the reports). The instruction we read is checked
// against the one the kernel's own report marks (">>> N | ..." under "Instruction context").
import t from 'tap';
import { execa } from 'execa';
import { join } from 'node:path';
import { KERNEL_73 } from './kernels.js';

const root = process.cwd();
const run = await execa('node', [join(root, 'bin', 'bpf-verdict.js'), 'run', '--kernel', KERNEL_73, '--json',
  'programs/alloc/leak.c', 'programs/lock/calls_under_lock.c', 'programs/subprogs/global_subprogs.c'], { cwd: root, reject: false, timeout: 30 * 60_000 });
t.comment(run.stderr.split('\n').slice(-6).join('\n'));
const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const prog = (name: string) => lines.find((l) => l.program === name) ?? {};
/** The instruction the kernel's report points at: the ">>>" row of its instruction context. */
const marked = (at: string) => Number(/Instruction context:[\s\S]*?^>>> *(\d+) \|/m.exec(at)?.[1] ?? NaN);

t.test('the run reached a 7.3 kernel', async (t) => {
  t.ok(lines.length >= 10, `${lines.length} programs`);
  t.match(run.stderr, /guest ready: 7\.3\.\d+/);
});

t.test('a 7.3 rejection: message, instruction and rule from the classic line before the report', async (t) => {
  const r = prog('obj_new_in_cs');
  t.equal(r.kernel.verdict, 'reject');
  t.equal(r.kernel.message, 'function calls are not allowed while holding a lock');
  t.equal(r.kernel.rule, 'graph.lock.call_while_locked');
  t.equal(r.kernel.reports.length, 1);
  t.equal(r.kernel.reports[0].category, 'Execution Context Safety');
  t.equal(r.kernel.insn, marked(r.kernel.reports[0].at), 'the instruction the report marks');
  t.notMatch(r.kernel.message, /^(subprog|processed|Verification failed|Suggestion)/);
});

t.test('a 7.3 leak: the error line follows one report per leaked reference', async (t) => {
  for (const name of ['leak_simple', 'leak_one_branch', 'global_callee_leaks']) {
    const r = prog(name);
    t.equal(r.kernel.message, 'BPF_EXIT instruction in main prog would lead to reference leak', name);
    t.ok(r.kernel.reports.length >= 1, `${name}: reports kept`);
    t.ok(r.kernel.reports.every((x: any) => x.problem === 'Unreleased resource' && x.reason && x.suggestion));
    t.equal(r.kernel.insn, marked(r.kernel.reports.at(-1).at), `${name}: the exit the report marks`);
  }
});

t.test('accepted programs with global subprogs: no message, and 7.x\'s per-subprog statistics read', async (t) => {
  const r = prog('global_add_trim');
  t.equal(r.kernel.verdict, 'accept');
  t.equal(r.kernel.message, null);
  t.match(r.kernel.log, /^subprog 1 \(\w+\) global insns_self \d+ insns_total \d+ stack \d+$/m);
  const subprogs = r.kernel.stats.subprogs as { index: number; name: string; kind: string; insnsSelf: number; insnsTotal: number }[];
  t.same(subprogs.map((s) => [s.index, s.name, s.kind]), [[0, 'global_add_trim', 'main'], [1, 'glist_add', 'global'], [2, 'glist_trim', 'global']]);
  t.ok(subprogs.every((s) => s.insnsTotal >= s.insnsSelf && s.insnsSelf > 0));
  t.equal(r.kernel.stats.insnsProcessed, subprogs.reduce((n, s) => n + s.insnsSelf, 0), 'processed = the subprogs\' own instructions');
});
