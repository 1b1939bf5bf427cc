// The graph rule table: unique ids, every format is a 6.12 kernel string (found verbatim in the
// kernel source when it is unpacked here), and every id the graph code reports exists.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { graphRules } from '../../../src/model/rules/graph.js';
import { allRules } from '../../../src/model/rules/index.js';

import { kernelTree612 } from '../../fixtures/kernel-tree.js';

t.test('ids are unique across the core and graph tables', async (t) => {
  const ids = allRules.map((r) => r.id);
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), []);
});

t.test('every graph rule has a mirrored function, a doc, and an errno', async (t) => {
  for (const r of graphRules) {
    t.ok(r.kernelFn && r.doc, `${r.id} documented`);
    t.ok(typeof r.errno === 'number' && r.errno > 0, `${r.id} errno`);
  }
});

t.test('every id used by src/model/graph exists in the table', async (t) => {
  const dir = resolve(import.meta.dirname, '../../../../src/model/graph');
  const ids = new Set(graphRules.map((r) => r.id));
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/\b(?:fail|rule)\(\s*(?:ctx,\s*)?'([a-z_.0-9]+)'/g)) t.ok(ids.has(m[1]!), `${f}: ${m[1]}`);
  }
});

// The kernel source is the authority for the strings (Debian's linux-source-6.12, fetched and cached).
t.test('formats appear verbatim in kernel/bpf of 6.12.117', async (t) => {
  const KSRC = await kernelTree612();
  const src = ['verifier.c', 'btf.c', 'syscall.c'].map((f) => readFileSync(join(KSRC, 'kernel/bpf', f), 'utf8')).join('\n');
  // C string literals may be split across lines: join adjacent literals.
  const joined = src.replace(/"\s*\n\s*"/g, '');
  // Messages the kernel prints with several verbose() calls: each piece must appear.
  const composed: Record<string, string[]> = {
    'graph.kptr.type_mismatch': ['"invalid kptr access, R%d type=%s%s "', '"expected=%s%s"'],
  };
  for (const r of graphRules) {
    if (r.format === null) continue;
    const pieces = composed[r.id] ?? [r.format.replace(/\n/g, '\\n')];
    t.ok(pieces.every((p) => joined.includes(p)), `${r.id}: "${r.format}"`);
  }
});
