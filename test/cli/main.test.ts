import t from 'tap';
import { runCli } from '../../src/cli/main.js';

t.test('unknown command is a usage error (exit 2)', async (t) => {
  const write = process.stderr.write;
  let err = '';
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try {
    t.equal(await runCli(['frobnicate']), 2);
  } finally {
    process.stderr.write = write;
  }
  t.match(err, /unknown command 'frobnicate'/);
});
