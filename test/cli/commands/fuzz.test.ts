// `bpf-verdict fuzz` on the command line, without a kernel: durations, usage errors (exit 2) before
// anything is resolved, --help with examples.
import t from 'tap';
import { command, parseDuration } from '../../../src/cli/commands/fuzz.js';
import { runCli } from '../../../src/cli/main.js';
import { UsageError } from '../../../src/shared/errors.js';

t.test('durations', async (t) => {
  t.equal(parseDuration('90s'), 90_000);
  t.equal(parseDuration('10m'), 600_000);
  t.equal(parseDuration('1h30m'), 5_400_000);
  t.equal(parseDuration('45'), 45_000, 'plain seconds');
  for (const bad of ['', '10x', 'm', '0s', '-5m', '1.5h']) t.throws(() => parseDuration(bad), UsageError, `'${bad}'`);
});

t.test('usage errors are exit 2 before any kernel is resolved', async (t) => {
  const err: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    t.equal(await runCli(['fuzz', '--time', 'soon']), 2);
    t.equal(await runCli(['fuzz', '--seed', '-1']), 2);
    t.equal(await runCli(['fuzz', '--per-object', '0']), 2);
    t.equal(await runCli(['fuzz', '--cuont', '5']), 2);
    t.equal(await runCli(['fuzz', '--kernel', 'nonsense']), 2);
    t.equal(await runCli(['fuzz', '--kernel', 'debian:6.12', '--kernel', 'debian:6.12']), 2);
  } finally {
    process.stderr.write = write;
  }
  const text = err.join('');
  t.match(text, /--time wants a duration like 90s, 10m or 1h, got 'soon'/);
  t.match(text, /unknown option '--cuont' \(did you mean --count\?\)/);
  t.match(text, /the same --kernel is named twice/);
});

t.test('--help has examples and the exit codes', async (t) => {
  t.match(command.help, /Examples:\n  bpf-verdict fuzz --count 500/);
  t.match(command.help, /Exit codes: 0 no finding; 1 findings; 2 usage; 3/);
  t.match(command.usage, /^bpf-verdict fuzz /);
});
