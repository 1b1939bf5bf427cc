// A finding as a corpus program (programs/README.md): the shrunk program rendered alone, with the
// kernel's answer declared in test_loader's tags (`__success`, or `__failure __msg("...")` with
// the kernel's own message) and the model's answer in `__model_differs("...")`, so `bpf-verdict
// run` on the file reports it `declared` until the model changes. Findings on a line other than
// 6.12 (the corpus's unscoped line) are declared under `__kernel("X.Y-")`. Pure.
import type { Answer, FindingKind } from './observe.js';
import type { FuzzProgram } from './types.js';

export interface FindingText {
  kind: FindingKind;
  program: FuzzProgram;
  /** The rendered C of this program alone (render.ts). */
  rendered: string;
  kernelSpec: string;
  /** The kernel line, e.g. '6.12' or '7.3'. */
  line: string;
  release: string | null;
  seed: number;
  kernel: Answer;
  model: Answer | null;
  sizeBefore: number;
  size: number;
}

/** A C string literal's body: backslashes and quotes escaped, `{{` (test_loader's regex opener) kept literal. */
export function cString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\{\{/g, '{{\\\\{\\\\{}}');
}

function answerText(a: Answer | null): string {
  if (!a) return 'not run';
  return [a.verdict, a.rule, a.insn !== null ? `at insn ${a.insn}` : null, a.message ? `'${a.message}'` : null].filter(Boolean).join(' ');
}

export function tagsFor(f: FindingText): string[] {
  const tags: string[] = [];
  if (f.line !== '6.12') tags.push(`__kernel("${f.line}-")`);
  const k = f.kernel;
  if (k.verdict === 'accept') tags.push('__success');
  else if (k.verdict === 'reject') {
    tags.push('__failure');
    if (k.message) tags.push(`__msg("${cString(k.message)}")`);
  }
  if (f.model && f.kind !== 'crash' && f.kind !== 'timeout') tags.push(`__model_differs("${cString(`model: ${answerText(f.model)}`)}")`);
  return tags;
}

export function findingC(f: FindingText): string {
  const p = f.program;
  const header = [
    `/* Found by bpf-verdict fuzz (seed ${f.seed}) on ${f.kernelSpec}${f.release ? ` (${f.release})` : ''}: ${f.kind}.`,
    ` * kernel: ${answerText(f.kernel)}`,
    ` * model:  ${answerText(f.model)}`,
    ` * fault injected: ${p.fault ?? 'none'}; shapes: ${p.shapes.join(', ') || 'none'}; shrunk from ${f.sizeBefore} to ${f.size} statements.`,
  ].map((l) => l.replace(/\*\//g, '* /')).concat(' */');
  const description = `__description("${cString(`fuzz ${f.kind}: kernel ${f.kernel.rule ?? f.kernel.verdict}, model ${f.model?.rule ?? f.model?.verdict ?? 'not run'}`)}")`;
  const lines = f.rendered.split('\n');
  const def = lines.findIndex((l) => new RegExp(`^[A-Za-z_].*\\b${p.name}\\s*\\(`).test(l));
  if (def < 0) throw new Error(`the rendered program has no definition of ${p.name}`);
  // The renderer declares what the generator meant (a fault: __failure); the finding declares what the kernel did.
  let sec = def;
  while (sec > 0 && /^__[a-z_]+\b/.test(lines[sec - 1]!)) sec--;
  const tags = [description, ...tagsFor(f)];
  // test_loader's order: the tags sit between SEC() and the definition
  // the licence line stays the first line
  const spdx = lines[0]?.startsWith('// SPDX-License-Identifier') ? 1 : 0;
  return [...lines.slice(0, spdx), ...header, ...lines.slice(spdx, sec), ...tags, ...lines.slice(def)].join('\n');
}
