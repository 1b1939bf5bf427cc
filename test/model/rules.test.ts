// The combined rule table: ids unique, one rule per kernel format (the log classifier maps a
// kernel line back to exactly one id), and every core rule names the kernel function it mirrors.
import t from 'tap';
import { allRules, ruleById } from '../../src/model/rules/index.js';
import { CORE, SHARED, coreRules } from '../../src/model/rules/core.js';

t.test('ids are unique', async (t) => {
  const ids = allRules.map((r) => r.id);
  t.equal(new Set(ids).size, ids.length);
});

t.test('one rule per kernel format', async (t) => {
  const seen = new Map<string, string>();
  for (const r of allRules) {
    if (!r.format) continue;
    t.notOk(seen.has(r.format), `${r.id}: format already used by ${seen.get(r.format)}`);
    seen.set(r.format, r.id);
  }
});

t.test('core rules are complete data', async (t) => {
  t.equal(coreRules.length, Object.keys(CORE).length);
  for (const r of coreRules) {
    t.ok(r.format && r.kernelFn && r.doc, r.id);
    t.notOk(r.format!.endsWith('\n'), `${r.id}: no trailing newline`);
  }
  for (const id of Object.values(SHARED)) t.ok(ruleById(id), `shared id ${id} exists in the graph table`);
});
