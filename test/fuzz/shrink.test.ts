// The shrinker against a FAKE oracle (a planted disagreement, no kernel): it must find a program
// no larger than the known minimal one, keep only candidates that still show the same signature,
// drop candidates that do not compile, and check many candidates per round (one object per round).
import t from 'tap';
import { shrink, type CheckCandidates } from '../../src/fuzz/shrink.js';
import { reductions, replaceList, statementLists, treeSize } from '../../src/fuzz/shrink-tree.js';
import type { Signature } from '../../src/fuzz/observe.js';
import type { FuzzProgram, Stmt } from '../../src/fuzz/types.js';

const line = (text: string): Stmt => ({ kind: 'line', text });
const TARGET: Signature = { kind: 'wrong-accept', kernelRule: 'graph.root.lock_not_held', modelRule: null };

/** 16 statements; the disagreement needs `new` (which needs `decl` to compile) and `push` nested in an if inside a loop. */
const body: Stmt[] = [
  line('int a = 0;'), line('struct node *decl;'), line('a += 1;'),
  { kind: 'if', cond: 'a > 1', then: [line('a = 2;'), line('a = 3;')], else: [line('a = 4;')] },
  line('decl = bpf_obj_new(struct node); /* new */'),
  { kind: 'loop', head: 'for (int i = 0; i < 4; i++)', body: [
    line('a++;'),
    { kind: 'if', cond: 'decl', then: [line('bpf_list_push_front(&g, &decl->n); /* push */'), line('a--;')], else: [] },
  ] },
  line('a *= 2;'), line('return 0;'),
];
const program: FuzzProgram = { name: 'f_1_0', line: '6.12', fault: 'graph-op-without-lock', shapes: ['loop', 'branch'], section: 'tc', decls: [], body };

const texts = (b: readonly Stmt[]): string[] => b.flatMap((s) => (s.kind === 'line' ? [s.text] : s.kind === 'if' ? texts([...s.then, ...s.else]) : texts(s.body)));

function oracle(calls: number[]): CheckCandidates {
  return async (cands) => {
    calls.push(cands.length);
    const out = new Map<string, Signature | null>();
    for (const c of cands) {
      const all = texts(c.body).join('\n');
      if (all.includes('/* new */') && !all.includes('struct node *decl;')) continue;   // does not compile: absent
      const shows = all.includes('/* new */') && all.includes('/* push */');
      out.set(c.name, shows ? TARGET : all.includes('/* push */') ? { ...TARGET, kind: 'rule' } : null);
    }
    return out;
  };
}

t.test('finds a program no larger than the known minimal one', async (t) => {
  const calls: number[] = [];
  const r = await shrink(program, TARGET, oracle(calls));
  // minimal: decl, new, push (the loop and the if unwrapped away): 3 statements
  t.ok(r.size <= 3, `shrunk to ${r.size} statements`);
  t.same(texts(r.program.body).map((x) => x.split(' ')[0]), ['struct', 'decl', 'bpf_list_push_front(&g,']);
  t.equal(r.program.name, 'f_1_0', 'the result keeps the original name');
  t.equal(r.sizeBefore, treeSize(body));
  t.ok(r.checkedAs?.startsWith('f_1_0_r'), 'says which candidate it kept');
  t.ok(calls.every((n) => n >= 1) && calls.some((n) => n > 1), 'several candidates per round (one object each)');
  t.equal(calls.length, r.rounds);
  t.ok(r.checked > r.rounds);
});

t.test('a different signature is not the same disagreement; nothing smaller kept leaves the program as it was', async (t) => {
  const r = await shrink(program, { ...TARGET, modelRule: 'graph.root.lock_not_held' }, oracle([]));
  t.equal(r.size, treeSize(body));
  t.equal(r.checkedAs, null);
  t.same(r.program.body, body);
});

t.test('stops at the round limit and when interrupted', async (t) => {
  const one = await shrink(program, TARGET, oracle([]), { maxRounds: 1 });
  t.equal(one.rounds, 1);
  const ctl = new AbortController();
  ctl.abort();
  const none = await shrink(program, TARGET, oracle([]), { signal: ctl.signal });
  t.equal(none.rounds, 0);
});

t.test('reductions: list deletions and block unwraps, smallest first, nothing repeated', async (t) => {
  const rs = reductions(body);
  const sizes = rs.map(treeSize);
  t.same(sizes, [...sizes].sort((a, b) => a - b));
  t.equal(new Set(rs.map((b) => JSON.stringify(b))).size, rs.length);
  t.ok(rs.some((b) => b.length === body.length + 1 && b[3]!.kind === 'line' && b[3]!.text === 'a = 2;'), 'an if replaced by its then-branch');
  t.ok(rs.every((b) => treeSize(b) < treeSize(body)));
  t.equal(statementLists(body).length, 6);
  t.throws(() => replaceList(body, [0, 'then'], []), /no statement list/);
});
