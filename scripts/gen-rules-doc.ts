// Regenerate docs/rules.md from the rule catalogue and every line's formats:
//   node dist/scripts/gen-rules-doc.js
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderRulesDoc } from '../src/rules/doc.js';
import { LINES } from '../src/profiles/index.js';

const out = join(resolve(import.meta.dirname, '../..'), 'docs/rules.md');
writeFileSync(out, renderRulesDoc(LINES));
process.stdout.write(`${out}\n`);
