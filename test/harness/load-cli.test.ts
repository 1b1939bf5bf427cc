// The load command's table and its refusals that need no VM (the VM side is test/e2e/load.test.ts).
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { formatTable } from '../../src/cli/commands/load.js';
import type { KernelResult } from '../../src/shared/verdict.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = process.stdout.write, e = process.stderr.write;
  let out = '', err = '';
  process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  try {
    return { code: await runCli(args), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

const row = (program: string, verdict: KernelResult['verdict'], errno: number, message: string | null): KernelResult =>
  ({ object: 'g.bpf.o', program, section: 'tc', verdict, errno, message, log: '' });

t.test('the table: program, verdict, errno with its name, message (none for accepts)', async (t) => {
  const text = formatTable([row('push_locked', 'accept', 0, null), row('push_without_lock', 'reject', 22, 'bpf_spin_lock at off=0 must be held for bpf_list_head')], false);
  const lines = text.trimEnd().split('\n');
  t.match(lines[0], /^PROGRAM\s+VERDICT\s+ERRNO\s+MESSAGE$/);
  t.match(lines[1], /^push_locked\s+accept\s+0$/);
  t.match(lines[2], /^push_without_lock\s+reject\s+22 EINVAL\s+bpf_spin_lock at off=0 must be held for bpf_list_head$/);
  t.equal(lines[1]!.indexOf('accept'), lines[2]!.indexOf('reject'), 'columns line up');
  t.match(formatTable([row('p', 'loader-error', 3, 'x')], true), /^OBJECT\s+PROGRAM/);
});

t.test('refusals before any boot: exit 2 for usage, 3 for bad input, each naming the fix', async (t) => {
  const noObj = await cli(['load']);
  t.equal(noObj.code, 2);
  t.match(noObj.err, /no object file given/);
  const missing = await cli(['load', '/nonexistent/x.bpf.o']);
  t.equal(missing.code, 3);
  t.match(missing.err, /\/nonexistent\/x\.bpf\.o: cannot read: ENOENT/);
  const dir = await mkdtemp(join(tmpdir(), 'load-cli-'));
  await writeFile(join(dir, 'text.o'), 'not an object\n');
  const notElf = await cli(['load', join(dir, 'text.o')]);
  t.equal(notElf.code, 3);
  t.match(notElf.err, /not an ELF file\n\s+hint: compile the program first/);
  const badSpec = await cli(['load', '--kernel', 'ubuntu:24.04', join(dir, 'text.o')]);
  t.equal(badSpec.code, 2, 'a bad kernel spec is a usage error, found before reading anything');
  t.match(badSpec.err, /unknown kernel spec 'ubuntu:24\.04'\n  hint: kernel specs: debian:6\.12/);
  const badSpec2 = await cli(['load', '--kernel', 'file:/etc/hostname', '--log-level', '9', 'x.o']);
  t.equal(badSpec2.code, 2);
  t.match(badSpec2.err, /--log-level wants an integer from 0 to 7/);
  const help = await cli(['load', '--help']);
  t.equal(help.code, 0);
  t.match(help.out, /Examples:\n\s+bpf-verdict load --kernel debian:6\.12 prog\.bpf\.o --json/);
});
