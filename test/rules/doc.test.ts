// docs/rules.md is the rule tables as they are: regenerating it changes nothing.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderRulesDoc } from '../../src/rules/doc.js';
import { allRules } from '../../src/rules/index.js';
import { LINES } from '../../src/profiles/index.js';

t.test('docs/rules.md is current', async (t) => {
  const have = readFileSync(resolve(import.meta.dirname, '../../../docs/rules.md'), 'utf8');
  t.ok(have === renderRulesDoc(LINES), 'regenerate with: node dist/scripts/gen-rules-doc.js');
});

t.test('every rule has its row, with each line\'s format', async (t) => {
  const doc = renderRulesDoc(LINES);
  for (const r of allRules) t.match(doc, new RegExp(`^\\| \`${r.id.replace(/\./g, '\\.')}\` \\|`, 'm'), r.id);
  t.match(doc, /^\| `graph\.arg\.expected_alloc` \| `arg#%d expected pointer to allocated object` \| `%s expected pointer to allocated object` \|/m);
  t.match(doc, /^\| `call\.not_known_constant` \| `R%d is not a known constant'` \| `%s is not a const` \|/m);
  t.match(doc, /^\| `graph\.rcu\.nested` \| `nested rcu read lock \(kernel function %s\)` \| — \|/m);
  t.match(doc, /^\| `reg\.not_init` \| `R%d !read_ok` \| = \|/m);
});
