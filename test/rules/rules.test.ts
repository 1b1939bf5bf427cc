// The rule catalogue: ids unique and documented; every line prints one rule per format (the log
// classifier maps a kernel line back to exactly one id); ids in the model's sources are typed, so
// a misspelt id does not compile (RuleId), and no source spells an unsupported id by hand.
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allRules, unsupportedReasons } from '../../src/rules/index.js';
import { graphRules } from '../../src/rules/graph.js';
import { LINES } from '../../src/profiles/index.js';

t.test('ids are unique, rules and unsupported reasons alike', async (t) => {
  const ids = [...allRules.map((r) => r.id), ...unsupportedReasons.map((u) => u.id)];
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), []);
});

t.test('every rule names the kernel function it mirrors and its condition', async (t) => {
  for (const r of allRules) t.ok(r.kernelFn && r.doc, r.id);
  for (const r of graphRules) t.ok(typeof r.errno === 'number' && r.errno > 0, `${r.id} errno`);
});

for (const p of LINES) {
  t.test(`Linux ${p.name}: one rule per format, no trailing newline`, async (t) => {
    const seen = new Map<string, string>();
    for (const r of p.rules.all()) {
      if (!r.format) continue;
      t.notOk(r.format.endsWith('\n'), `${r.id}: no trailing newline`);
      t.notOk(seen.has(r.format), `${r.id}: format already used by ${seen.get(r.format)}`);
      seen.set(r.format, r.id);
    }
  });
}

t.test('no source spells a model.unsupported id by hand (they come from src/rules/unsupported.ts)', async (t) => {
  const root = resolve(import.meta.dirname, '../../../src');
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]);
  for (const f of walk(root).filter((f) => f.endsWith('.ts') && !f.endsWith('rules/unsupported.ts'))) {
    t.notMatch(readFileSync(f, 'utf8'), /'model\.unsupported[.a-z_]*'/, f);
  }
});

t.test('a line may print one rule as another rule\'s message (sameAs)', async (t) => {
  const { RuleBook } = await import('../../src/rules/index.js');
  const { FORMATS_73 } = await import('../../src/profiles/linux-7.3/formats.js');
  const book = new RuleBook('test', { ...FORMATS_73, 'call.not_known_constant': { sameAs: 'kfunc.arg.not_const' } });
  t.ok(book.has('call.not_known_constant'));
  t.equal(book.spec('call.not_known_constant').id, 'kfunc.arg.not_const', 'reported as the rule whose message it prints');
  t.notOk(book.all().some((s) => s.id === 'call.not_known_constant'), 'one classifier entry per format');
});
