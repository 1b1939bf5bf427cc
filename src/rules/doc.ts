// docs/rules.md, rendered from the rule catalogue and the lines' formats (pure: data in, text
// out). scripts/gen-rules-doc.ts writes it; test/rules/doc.test.ts checks it is current.
import { allRules, unsupportedReasons, type RuleBook, type RuleId, type RuleSpec } from './index.js';
import { coreRules } from './core.js';

/** A line as the document shows it: its name, the release its data was read from, its book. */
export interface DocLine { name: string; source: string | null; rules: RuleBook }

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, '\\n');
const code = (s: string): string => `\`${cell(s)}\``;

const printed = (book: RuleBook, id: RuleId): RuleSpec | null => (book.has(id) ? book.spec(id) : null);

function formatCell(spec: RuleSpec | null, ownId: string, prev: string | null): string {
  if (!spec) return '—';
  const f = spec.format === null ? '(errno only)' : code(spec.format);
  const text = spec.id !== ownId ? `as \`${spec.id}\`` : f;
  return prev !== null && text === prev ? '=' : text;
}

export function renderRulesDoc(lines: readonly DocLine[]): string {
  const shown = lines.filter((l) => l.source !== null);
  const head = ['id', ...shown.map((l) => `Linux ${l.name} (${l.source})`), 'mirrors', 'condition', 'errno'];
  const table = (ids: readonly { id: RuleId }[]): string[] => [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...ids.map(({ id }) => {
      const info = allRules.find((r) => r.id === id)!;
      let prev: string | null = null;
      const cols = shown.map((l) => {
        const c = formatCell(printed(l.rules, id), id, prev);
        if (c !== '=') prev = c;
        return c;
      });
      const doc = info.profiles ? `${info.doc} *Other kernels:* ${info.profiles}` : info.doc;
      return `| \`${id}\` | ${cols.join(' | ')} | ${cell(info.kernelFn)} | ${cell(doc)} | ${info.errno ?? ''} |`;
    }),
  ];
  const coreIds = new Set<string>(coreRules.map((r) => r.id));
  const unshown = lines.filter((l) => l.source === null).map((l) => l.name);
  return [
    '# Rules (generated: `node dist/scripts/gen-rules-doc.js`; do not edit)',
    '',
    'Every kernel message the model can report, one rule each, and what each kernel line prints for',
    'it: the exact C format of its `verbose()` call (src/profiles/linux-*/formats.ts, checked against',
    'the formats read from the line\'s tree). `=` : as the line before; `—` : the line has no such',
    'message; `as X` : the line prints rule X\'s message for this check. The catalogue (id, mirrored',
    'function, condition, errno) is src/rules/core.ts and src/rules/graph.ts; how the graph rules are',
    'applied is in [graph.md](graph.md).' + (unshown.length ? ` Lines without tree data (${unshown.join(', ')}) print as 6.12.` : ''),
    '',
    '## Core rules (src/rules/core.ts)',
    '',
    ...table(allRules.filter((r) => coreIds.has(r.id))),
    '',
    '## Graph rules (src/rules/graph.ts)',
    '',
    ...table(allRules.filter((r) => !coreIds.has(r.id))),
    '',
    '## Unsupported (src/rules/unsupported.ts)',
    '',
    'What the model does not model answers `unsupported` with one of these ids, never a guessed verdict.',
    '',
    '| id | what |',
    '|---|---|',
    ...unsupportedReasons.map((u) => `| \`${u.id}\` | ${cell(u.doc)} |`),
    '',
  ].join('\n');
}
