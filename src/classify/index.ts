// The kernel-message classifier: a real verifier log -> the model's rule id, the message and the
// instruction it was reported at. Shared by the harness comparison and the model tests, so kernel
// and model are compared rule to rule. It matches the log's error line (two lines for the kernel's
// two-line messages) against the exact format strings the kernel's line prints for every rule (the
// profile's RuleBook: src/profiles/linux-*/formats.ts). The log is read by src/shared/verifier-log.ts,
// which knows every kernel line's statistics and 7.x's failure reports.
import { readVerifierLog } from '../shared/verifier-log.js';
import type { KernelResult } from '../shared/verdict.js';
import type { RuleBook, RuleSpec } from '../rules/index.js';
import { getProfile, type Profile } from '../profiles/index.js';
import { FORMAT_CONVERSION } from '../model/finding.js';

export interface Classification {
  rule: string | null;     // rule id, or null when the message is not one the rule tables know
  message: string | null;  // the kernel's message: the last line (of a multi-line message too)
  insn: number | null;     // the instruction the verifier was at (last "N: (xx) ..." line before the message)
}

// an instruction line; libbpf writes "N: <invalid CO-RE relocation>" over a poisoned one
const INSN_LINE = /^(\d+): (?:\([0-9a-f]{2}\)|<invalid CO-RE relocation>)/;

interface Compiled { rule: RuleSpec; lines: RegExp[]; literal: number }

/** A kernel format -> a regex for what the kernel can print with it (each conversion by its kind). */
function formatToRegex(format: string): RegExp {
  const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let out = '';
  let last = 0;
  for (const m of format.matchAll(FORMAT_CONVERSION)) {
    out += literal(format.slice(last, m.index));
    last = m.index + m[0].length;
    switch (m[3]) {
      case '%': out += '%'; break;
      case 'd': out += '-?\\d+'; break;
      case 'u': out += '\\d+'; break;
      case 'x': out += m[1] ? '0x[0-9a-f]+' : '[0-9a-f]+'; break;
      default: out += '.*?'; break;
    }
  }
  return new RegExp(`^${out + literal(format.slice(last))}$`);
}

function compile(rules: readonly RuleSpec[]): Compiled[] {
  return rules
    .filter((r): r is RuleSpec & { format: string } => r.format !== null)
    .map((rule) => ({
      rule,
      lines: rule.format.split('\n').map(formatToRegex),
      literal: rule.format.replace(FORMAT_CONVERSION, '').length,
    }));
}

const compiled = new WeakMap<RuleBook, Compiled[]>();
function table(book: RuleBook): Compiled[] {
  let c = compiled.get(book);
  if (!c) compiled.set(book, c = compile(book.all()));
  return c;
}

/**
 * The rule whose format matches the message ending at line `end` (most specific first: the one with
 * the most literal text, so "dereference of modified ctx ptr" wins over "dereference of modified %s ptr").
 */
function matchAt(lines: string[], end: number, rules: Compiled[]): { c: Compiled; start: number } | null {
  let best: { c: Compiled; start: number } | null = null;
  for (const c of rules) {
    const start = end - c.lines.length + 1;
    if (start < 0) continue;
    if (!c.lines.every((re, k) => re.test(lines[start + k]!))) continue;
    if (!best || c.literal > best.c.literal) best = { c, start };
  }
  return best;
}

/** Classify a verifier log against a line's rules (default: the default profile's). */
export function classifyLog(log: string, rules: Compiled[] | Profile = getProfile()): Classification {
  if (!Array.isArray(rules)) rules = table(rules.rules);
  const lines = readVerifierLog(log).lines;
  if (lines.length === 0) return { rule: null, message: null, insn: null };
  const end = lines.length - 1;
  const hit = matchAt(lines, end, rules);
  const start = hit ? hit.start : end;
  let insn: number | null = null;
  for (let i = start - 1; i >= 0; i--) {
    const m = INSN_LINE.exec(lines[i]!);
    if (m) { insn = Number(m[1]); break; }
  }
  // the message is the last line, as the model reports it (a two-line message's first line is
  // the model's Finding.before); the rule was matched on all of its lines
  return { rule: hit ? hit.c.rule.id : null, message: lines[end]!, insn };
}

/**
 * Classify what the harness recorded for one program. An accepted program has no rule. A rejection
 * is classified from its log. A loader error has no verifier message: rule null (the comparison
 * reports it as a loader error), message = libbpf's.
 */
export function classify(r: Pick<KernelResult, 'verdict' | 'log' | 'message' | 'errno'>, profile: Profile = getProfile()): Classification {
  switch (r.verdict) {
    case 'accept': return { rule: null, message: null, insn: null };
    case 'reject': return classifyLog(r.log, profile);
    case 'loader-error': return { rule: null, message: r.message, insn: null };
  }
}

/** For tests and tools: classify against an explicit rule list. */
export function classifierFor(rules: readonly RuleSpec[]): (log: string) => Classification {
  const c = compile(rules);
  return (log) => classifyLog(log, c);
}
