import t from 'tap';
import { copyFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, systemErrorText } from '../../src/cli/main.js';

t.test('unknown command is a usage error (exit 2)', async (t) => {
  const write = process.stderr.write;
  let err = '';
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try {
    t.equal(await runCli(['frobnicate']), 2);
    // names of Object.prototype's members are not commands either
    for (const name of ['__proto__', 'constructor', 'toString']) t.equal(await runCli([name]), 2, name);
  } finally {
    process.stderr.write = write;
  }
  t.match(err, /unknown command 'frobnicate'/);
  t.match(err, /unknown command '__proto__'/);
});

t.test('a path that cannot be written is described (path, call, errno), anything else is not', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bv-main-'));
  writeFileSync(join(dir, 'a'), 'x');
  const caught = (f: () => void): unknown => { try { f(); } catch (e) { return e; } return null; };
  t.match(systemErrorText(caught(() => copyFileSync(join(dir, 'a'), dir))), new RegExp(`^${dir}: copyfile failed: EISDIR\n  hint: check the path`));
  t.match(systemErrorText(caught(() => writeFileSync(join(dir, 'no/such/x.html'), ''))), /no\/such\/x\.html: open failed: ENOENT/);
  t.equal(systemErrorText(new TypeError('x is undefined')), null);
  t.equal(systemErrorText('a string'), null);
});
