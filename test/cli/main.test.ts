import t from 'tap';
import { runCli } from '../../src/cli/main.js';

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
