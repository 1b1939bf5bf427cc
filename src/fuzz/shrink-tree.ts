// One-step reductions of a program's statement tree, for the shrinker: every statement list (the
// body, each branch, each loop body) shrunk by fast-check's array shrinker (half the list, then
// smaller chunks, then one statement at a time: delta debugging's order), and every block unwrapped
// into its parent (an `if` replaced by its then- or else-branch, a loop by its body). Pure.
import fc from 'fast-check';
import type { Stmt } from './types.js';

/** Where a statement list sits: [] is the body; [i, 'then'] the then-branch of the body's statement i; and so on down. */
export type ListPath = (number | 'then' | 'else' | 'body')[];

/** Statements in a tree, blocks counted once each plus their contents: the size a shrink minimises. */
export function treeSize(body: readonly Stmt[]): number {
  let n = 0;
  for (const s of body) {
    n++;
    if (s.kind === 'if') n += treeSize(s.then) + treeSize(s.else);
    else if (s.kind === 'loop') n += treeSize(s.body);
  }
  return n;
}

/** Every statement list in the tree, outermost first. */
export function statementLists(body: readonly Stmt[], at: ListPath = []): { path: ListPath; items: readonly Stmt[] }[] {
  const out: { path: ListPath; items: readonly Stmt[] }[] = [{ path: at, items: body }];
  body.forEach((s, i) => {
    if (s.kind === 'if') out.push(...statementLists(s.then, [...at, i, 'then']), ...statementLists(s.else, [...at, i, 'else']));
    else if (s.kind === 'loop') out.push(...statementLists(s.body, [...at, i, 'body']));
  });
  return out;
}

/** The tree with the list at `path` replaced (the rest shared, nothing mutated). */
export function replaceList(body: readonly Stmt[], path: ListPath, items: readonly Stmt[]): Stmt[] {
  if (!path.length) return [...items];
  const [i, field, ...rest] = path as [number, 'then' | 'else' | 'body', ...ListPath];
  return body.map((s, j) => {
    if (j !== i) return s;
    if (s.kind === 'if' && (field === 'then' || field === 'else')) return { ...s, [field]: replaceList(s[field], rest, items) };
    if (s.kind === 'loop' && field === 'body') return { ...s, body: replaceList(s.body, rest, items) };
    throw new Error(`no statement list at ${JSON.stringify(path)}`);
  });
}

/** Every one-step reduction of `body`, without duplicates, smallest first. */
export function reductions(body: readonly Stmt[]): Stmt[][] {
  const seen = new Set<string>([JSON.stringify(body)]);
  const out: Stmt[][] = [];
  const add = (b: Stmt[]): void => {
    const key = JSON.stringify(b);
    if (!seen.has(key)) { seen.add(key); out.push(b); }
  };
  for (const { path, items } of statementLists(body)) {
    if (!items.length) continue;
    // fast-check's shrinker for arrays: the subarrays of `items`, halves first, single deletions last.
    for (const v of fc.subarray([...items]).shrink([...items], undefined)) add(replaceList(body, path, v.value));
    items.forEach((s, i) => {
      const inner = s.kind === 'if' ? [s.then, s.else] : s.kind === 'loop' ? [s.body] : [];
      for (const part of inner) add(replaceList(body, path, [...items.slice(0, i), ...part, ...items.slice(i + 1)]));
    });
  }
  return out.map((b, order) => ({ b, order, size: treeSize(b) })).sort((x, y) => x.size - y.size || x.order - y.order).map((x) => x.b);
}
