// Bad kernels and bad profiles through the real entry point (bin/bpf-verdict.js), end to end and
// without a VM: each is refused before anything boots. A stub qemu-system-x86_64 first on PATH
// records any start, so "nothing booted" is checked, not assumed.
import t, { type Test as TapTest } from 'tap';
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'bin/bpf-verdict.js');
const obj = join(root, 'test/fixtures/readers/kernel-6.12/alloc-leak.o');
const work = mkdtempSync(join(tmpdir(), 'bv-refusals-'));
const stubs = join(work, 'bin');
const marker = join(work, 'qemu-started');
mkdirSync(stubs);
writeFileSync(join(stubs, 'qemu-system-x86_64'), `#!/bin/sh\ntouch ${marker}\nexit 1\n`);
chmodSync(join(stubs, 'qemu-system-x86_64'), 0o755);
const cli = (args: string[]) => execa('node', [bin, ...args], { reject: false, cwd: work, env: { PATH: `${stubs}:${process.env.PATH}` } });

const noQemu = (t: TapTest) => t.notOk(existsSync(marker), 'QEMU was never started');

t.test('file:DIR for btf, load and run: exit 3 naming the spec and the fix, no stack', async (t) => {
  for (const args of [['btf', '--kernel', `file:${work}`], ['load', '--kernel', `file:${work}`, obj], ['run', '--kernel', `file:${work}`, obj]]) {
    const r = await cli(args);
    t.equal(r.exitCode, 3, `${args[0]}: exit 3`);
    t.match(r.stderr + r.stdout, `kernel file:${work}: ${work} is a directory, not a bzImage`, `${args[0]}: names the spec`);
    t.match(r.stderr + r.stdout, `hint: file: wants the image itself, e.g. file:${work}/arch/x86/boot/bzImage; to build a tree, use src:${work}`, `${args[0]}: the fix`);
    t.notMatch(r.stderr, /EISDIR|\n\s+at /, `${args[0]}: no stack trace`);
  }
  noQemu(t);
});

t.test('run: an unknown profile on the command line or in YAML stops it before any kernel is resolved', async (t) => {
  // debian:6.12 resolves from the cache and boots if the profile is not checked first.
  const flag = await cli(['run', '--kernel', 'debian:6.12', '--profile', 'nonsense', obj]);
  t.equal(flag.exitCode, 2);
  t.match(flag.stderr, /--profile wants one of 6\.1, 6\.12, 7\.3, bpf-next, got 'nonsense'\nusage: bpf-verdict run /);
  for (const [text, line, hint] of [
    ['kernels: [debian:6.12]\nprofile: nonsense\n', 2, /use one of: 6\.1, 6\.12, 7\.3, bpf-next/],
    ['kernels: [debian:6.12]\n# the semantics\nprofile: 6.10\n', 3, /unquoted, YAML reads 6\.10 as the number 6\.1/],
  ] as const) {
    writeFileSync(join(work, 'bpf-verdict.yaml'), text);
    const r = await cli(['run', obj]);
    t.equal(r.exitCode, 3, 'exit 3: the configuration could not be used');
    t.match(r.stderr, `${join(work, 'bpf-verdict.yaml')}: line ${line}: unknown profile`);
    t.match(r.stderr, hint);
    t.notMatch(r.stderr, /resolv|download|boot/i, 'no kernel work was started');
  }
  writeFileSync(join(work, 'bpf-verdict.yaml'), 'kernels: [debian:6.12]\n');
  noQemu(t);
});

t.test('load reads bpf-verdict.yaml like run: its kernel, and its errors with their line', async (t) => {
  const cfg = join(work, 'load.yaml');
  writeFileSync(cfg, `kernels: ["file:${work}"]\nmemory: 2048\n`);
  const fromConfig = await cli(['load', '--config', cfg, obj]);
  t.equal(fromConfig.exitCode, 3);
  t.match(fromConfig.stderr, `kernel file:${work}: ${work} is a directory`, 'the configuration\'s kernel was taken');
  writeFileSync(cfg, 'kernels: [debian:6.12]\nmemory: 100\n');
  const bad = await cli(['load', '--config', cfg, obj]);
  t.equal(bad.exitCode, 3);
  t.match(bad.stderr, `${cfg}: line 2: memory must be an integer from 256 to 65536`, 'the same limit as run');
  noQemu(t);
});

t.test('regress whose head kernel cannot be used: nothing compared, and only that is said (exit 3)', async (t) => {
  const r = await cli(['regress', '--base', 'debian:6.12', '--head', `file:${work}`, obj, '--json']);
  t.equal(r.exitCode, 3);
  t.equal(r.stdout, '', 'no rows');
  t.match(r.stderr, `kernel file:${work} could not be used:\nkernel file:${work}: ${work} is a directory`);
  t.match(r.stderr, `nothing compared (file:${work} unusable)`);
  t.notMatch(r.stderr, /changed|flagged/, 'no summary of changes');
  noQemu(t);
});
