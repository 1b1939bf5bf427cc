// test_loader's message matching: patterns are verbatim text with `{{posix ERE}}` parts, matched in
// order, each one searched for after the end of the previous match (validate_msgs in test_loader.c).
import type { MessageMatch, MessagePattern } from './types.js';

const JS_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

// POSIX bracket classes have no JS spelling; the common ones are rewritten.
const POSIX_CLASSES: Record<string, string> = {
  digit: '0-9', alpha: 'A-Za-z', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', blank: ' \\t',
};

function posixToJs(ere: string): string {
  return ere.replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
}

/** Compile one annotation; throws a plain Error with the reason when the pattern is malformed. */
export function compilePattern(text: string, negative = false): MessagePattern {
  if (!text.includes('{{')) return { text, regex: null, negative };
  let src = '';
  let rest = text;
  while (rest.length) {
    const open = rest.indexOf('{{');
    if (open < 0) { src += rest.replace(JS_SPECIAL, '\\$&'); break; }
    src += rest.slice(0, open).replace(JS_SPECIAL, '\\$&');
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`pattern has an open '{{' but no closing '}}': '${text}'`);
    src += posixToJs(rest.slice(open + 2, close));
    rest = rest.slice(close + 2);
  }
  try {
    // 'm': REG_NEWLINE semantics (^/$ at line ends; '.' never matches a newline).
    return { text, regex: new RegExp(src, 'm'), negative };
  } catch (err) {
    throw new Error(`pattern '${text}' is not a valid regular expression: ${(err as Error).message}`);
  }
}

/** Match patterns in order against a log. `ok` is true when every pattern behaved. */
export function matchMessages(log: string, patterns: MessagePattern[]): { ok: boolean; table: MessageMatch[] } {
  const table: MessageMatch[] = [];
  let pos = 0;
  let failed = false;
  let pending: number[] = [];  // indices in `table` of negative patterns awaiting the next positive match
  const checkNegatives = (from: number, to: number): void => {
    for (const i of pending) {
      const hit = find(log, table[i]!.pattern, from, to);
      if (hit) { table[i] = { ...table[i]!, status: 'unexpected', line: lineOf(log, hit.at) }; failed = true; }
      else table[i] = { ...table[i]!, status: 'matched' };
    }
    pending = [];
  };
  for (const pattern of patterns) {
    if (failed) { table.push({ pattern, status: 'unchecked', line: null }); continue; }
    if (pattern.negative) { pending.push(table.length); table.push({ pattern, status: 'unchecked', line: null }); continue; }
    const hit = find(log, pattern, pos, log.length);
    if (!hit) {
      failed = true;
      for (const i of pending) table[i] = { ...table[i]!, status: 'unchecked' };
      pending = [];
      table.push({ pattern, status: 'expected', line: null });
      continue;
    }
    checkNegatives(pos, hit.at);
    if (failed) { table.push({ pattern, status: 'unchecked', line: null }); continue; }
    table.push({ pattern, status: 'matched', line: lineOf(log, hit.at) });
    pos = hit.end;
  }
  if (!failed) checkNegatives(pos, log.length);
  return { ok: !failed, table };
}

function find(log: string, pattern: MessagePattern, from: number, to: number): { at: number; end: number } | null {
  const hay = log.slice(from, to);
  if (pattern.regex) {
    const m = pattern.regex.exec(hay);
    return m ? { at: from + m.index, end: from + m.index + m[0].length } : null;
  }
  const i = hay.indexOf(pattern.text);
  return i >= 0 ? { at: from + i, end: from + i + pattern.text.length } : null;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const STATUS: Record<MessageMatch['status'], string> = {
  matched: 'MATCHED   ', expected: 'EXPECTED  ', unexpected: 'UNEXPECTED', unchecked: 'UNCHECKED ',
};

/** The MATCHED / EXPECTED / UNEXPECTED table test_loader prints on a mismatch. */
export function formatMatchTable(table: MessageMatch[]): string {
  return table.map((m) => {
    const kind = (m.pattern.negative ? 'NOT ' : '') + (m.pattern.regex ? 'REGEX' : 'SUBSTR');
    const where = m.line !== null ? ` (log line ${m.line})` : '';
    return `${STATUS[m.status]} ${kind.padStart(10)}: '${m.pattern.text}'${where}`;
  }).join('\n');
}
