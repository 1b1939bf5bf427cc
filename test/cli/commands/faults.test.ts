// Bad input and long walks through the real CLI entry (bin/bpf-verdict.js), one test per defect
// class found by feeding mutated and hostile input to `model` and `explain`: each must end with a
// clear message and the documented exit code, never a stack trace or a silent success.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFault } from '../../fixtures/faults/compile.js';

const bin = join(process.cwd(), 'bin/bpf-verdict.js');
const run = (args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 120_000, maxBuffer: 512 * 1024 * 1024 });
const hasStack = (stderr: string) => /^\s+at .*:\d+:\d+\)?$/m.test(stderr);
const loops = await compileFault('long_loops');

t.test('explain on an 80,000-iteration loop prints the whole walk (no call-stack overflow)', async (t) => {
  const r = await run(['explain', loops, 'loop_80k']);
  t.equal(r.exitCode, 0);
  t.notOk(hasStack(r.stderr), 'no stack trace');
  t.match(r.stdout, /^verdict: accept$/m);
  const processed = Number(/^processed (\d+) insns$/m.exec(r.stdout)?.[1]);
  t.ok(processed > 400_000, `processed ${processed} insns`);
  t.ok(r.stdout.split('\n').length > processed, 'one trace line per processed insn at least');
});

t.test('the 1M processed-insn limit: the model, pruning less than the kernel, does not claim the kernel\'s rejection', async (t) => {
  const r = await run(['model', loops, '--program', 'loop_too_long', '--json']);
  t.equal(r.exitCode, 0);
  const row = JSON.parse(r.stdout);
  t.same([row.verdict, row.rule], ['unsupported', 'model.unsupported.complexity']);
  t.match(row.message, /^unsupported: 1000001 instructions processed/);
});

t.test('a profile name must be a profile, not an Object.prototype member', async (t) => {
  for (const p of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const r = await run(['model', loops, '--profile', p]);
    t.equal(r.exitCode, 2, `--profile ${p}: exit 2`);
    t.match(r.stderr, new RegExp(`--profile wants one of .*, got '${p}'`));
    t.equal(r.stdout, '', 'no rows');
  }
});

t.test('--program that no object has: exit 2 naming the programs there are', async (t) => {
  const r = await run(['model', loops, '--program', 'no_such_prog']);
  t.equal(r.exitCode, 2);
  t.match(r.stderr, /no program named 'no_such_prog' in .*long_loops\.o \(has: loop_80k, loop_too_long\)/);
  t.notOk(hasStack(r.stderr), 'no stack trace');
});

t.test('an object without programs: a message and exit 3', async (t) => {
  const r = await run(['model', await compileFault('no_programs')]);
  t.equal(r.exitCode, 3);
  t.match(r.stderr, /no_programs\.o: has no BPF programs/);
  t.match(r.stderr, /hint: .*SEC\("tc"\)/);
});

t.test('.maps without BTF: the hint is about -g, not the declaration the object already uses', async (t) => {
  const r = await run(['model', await compileFault('maps_no_btf', false)]);
  t.equal(r.exitCode, 3);
  t.match(r.stderr, /\.maps: the object has no \.BTF section/);
  t.match(r.stderr, /hint: compile with -g/);
  t.notMatch(r.stderr, /declare maps as in/);
});

t.test('not a regular file: refused at once, not read without end', async (t) => {
  const dev = await run(['model', '/dev/zero']);
  t.equal(dev.exitCode, 3);
  t.match(dev.stderr, /\/dev\/zero: is not a regular file/);
  const dir = mkdtempSync(join(tmpdir(), 'faults-dir-'));
  const d = await run(['explain', dir, 'p']);
  t.equal(d.exitCode, 3);
  t.match(d.stderr, /is a directory, not an object file/);
  t.notOk(hasStack(dev.stderr + d.stderr), 'no stack trace');
});
