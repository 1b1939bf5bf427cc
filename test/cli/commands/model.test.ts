// `bpf-verdict model` and `bpf-verdict explain` through the real CLI entry (bin/bpf-verdict.js)
// on a clang-19-compiled object and on broken input.
import t from 'tap';
import { execa } from 'execa';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBasics } from '../../model/compile.js';

const bin = join(process.cwd(), 'bin/bpf-verdict.js');
const run = (args: string[]) => execa('node', [bin, ...args], { reject: false });
const regs = await compileBasics('regs');

t.test('--json: one object per program with exactly the fixed fields', async (t) => {
  const r = await run(['model', regs, '--json']);
  t.equal(r.exitCode, 0);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.ok(rows.length >= 9);
  for (const row of rows) t.same(Object.keys(row), ['object', 'program', 'section', 'verdict', 'rule', 'insn', 'message', 'ms']);
  const div = rows.find((x) => x.program === 'div_zero');
  t.same({ ...div, ms: 0 }, { object: regs, program: 'div_zero', section: 'tc', verdict: 'reject', rule: 'alu.div_by_zero', insn: 1, message: 'div by zero', ms: 0 });
  t.same(rows.find((x) => x.program === 'return_pointer').verdict, 'accept');
});

t.test('--program picks one program; the table form has a header', async (t) => {
  const r = await run(['model', regs, '--program', 'write_fp']);
  t.equal(r.exitCode, 0);
  const lines = r.stdout.trim().split('\n');
  t.match(lines[0], /^OBJECT\s+PROGRAM\s+VERDICT\s+INSN\s+RULE\s+MESSAGE$/);
  t.equal(lines.length, 2);
  t.match(lines[1], /write_fp\s+reject\s+0\s+reg\.fp_read_only\s+frame pointer is read only/);
});

t.test('a broken object: exit 3, a typed error naming the file, other objects still reported', async (t) => {
  const bad = join(mkdtempSync(join(tmpdir(), 'mcore-cli-')), 'broken.o');
  writeFileSync(bad, 'not an ELF file at all');
  const r = await run(['model', bad, regs, '--json']);
  t.equal(r.exitCode, 3);
  t.match(r.stderr, /broken\.o/);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(rows[0].verdict, 'error');
  t.equal(rows[0].object, bad);
  t.ok(rows.slice(1).every((x: { object: string }) => x.object === regs), 'the good object still ran');
});

t.test('usage errors exit 2', async (t) => {
  t.equal((await run(['model'])).exitCode, 2);
  const p = await run(['model', regs, '--profile', '5.0']);
  t.equal(p.exitCode, 2);
  t.match(p.stderr, /--profile wants one of 6\.1, 6\.12, 7\.3, bpf-next, got '5\.0'/);
  t.equal((await run(['explain', regs])).exitCode, 2);
  t.equal((await run(['explain', regs, 'no_such_prog'])).exitCode, 2);
});

t.test('--profile / --kernel: the semantics of a line, or of the line a kernel gets', async (t) => {
  const ringbuf = await compileBasics('ringbuf');
  const msg = async (args: string[]) => {
    const r = await run(['model', ringbuf, '--program', 'reserve_leak', '--json', ...args]);
    t.equal(r.exitCode, 0, args.join(' '));
    return { message: JSON.parse(r.stdout).message as string, stderr: r.stderr };
  };
  t.equal((await msg([])).message, 'Unreleased reference id=2 alloc_insn=4', 'default: 6.12');
  t.equal((await msg(['--profile', '7.3'])).message, 'BPF_EXIT instruction in main prog would lead to reference leak');
  const own = await msg(['--kernel', 'debian:6.12']);
  t.equal(own.message, 'Unreleased reference id=2 alloc_insn=4');
  t.match(own.stderr, /debian:6\.12: Linux 6\.12 semantics$/);
  const newer = await msg(['--kernel', 'debian:7.9']);
  t.equal(newer.message, 'BPF_EXIT instruction in main prog would lead to reference leak');
  t.match(newer.stderr, /debian:7\.9: Linux 7\.3 semantics \(Linux 7\.9 is newer than the newest modelled line/);
  const both = await run(['model', ringbuf, '--profile', '7.3', '--kernel', 'debian:6.12']);
  t.equal(both.exitCode, 2);
  t.match(both.stderr, /--profile and --kernel both choose/);
  const missing = await run(['model', ringbuf, '--kernel', 'file:/no/such/bzImage']);
  t.equal(missing.exitCode, 3);
  t.match(missing.stderr, /no such file: \/no\/such\/bzImage/);
});

t.test('explain: the walk in kernel log notation, then the verdict and the state', async (t) => {
  const r = await run(['explain', regs, 'deref_scalar']);
  t.equal(r.exitCode, 0);
  t.match(r.stdout, /^0: \(b7\) r1 = 42\s+; R1=42$/m);
  t.match(r.stdout, /^1: \(79\) r0 = \*\(u64 \*\)\(r1 \+0\)$/m);
  t.match(r.stdout, /^verdict: reject  rule: mem\.invalid_access_type  insn: 1$/m);
  t.match(r.stdout, /^state at insn 1: R1=42 R10=fp0$/m);
  const j = JSON.parse((await run(['explain', regs, 'deref_scalar', '--json'])).stdout);
  t.equal(j.message, "R1 invalid mem access 'scalar'");
  t.ok(Array.isArray(j.trace) && j.trace.length >= 2);
});

t.test('--help has examples', async (t) => {
  for (const c of ['model', 'explain']) {
    const r = await run([c, '--help']);
    t.equal(r.exitCode, 0);
    t.match(r.stdout, /Examples:/);
  }
});
