// `kernel` and `regress` command lines: usage errors are exit 2 with a message; list prints a table.
import t from 'tap';
import { join } from 'node:path';
import { execa } from 'execa';

const cli = join(import.meta.dirname, '../../../bin/bpf-verdict.js');
const run = (...args: string[]) => execa('node', [cli, ...args], { reject: false });

t.test('usage errors exit 2 and say what is wrong', async (t) => {
  const cases: [string[], RegExp][] = [
    [['kernel'], /wants a subcommand: fetch, build, list or prune/],
    [['kernel', 'frob'], /unknown kernel subcommand 'frob'/],
    [['kernel', 'fetch', 'debian-source:x'], /unknown tree spec 'debian-source:x'/],
    [['kernel', 'build', 'debian:6.12'], /builds src: specs/],
    [['kernel', 'build', 'src:/tmp', '--make-jobs', 'zero'], /--make-jobs wants an integer from 1 to 1024, got 'zero'/],
    [['regress', '--base', 'debian:6.12'], /needs --base SPEC and --head SPEC/],
  ];
  for (const [args, msg] of cases) {
    const r = await run(...args);
    t.equal(r.exitCode, 2, args.join(' '));
    t.match(r.stderr, msg);
  }
});

t.test('a src: tree that is not a kernel tree is exit 3 with a hint', async (t) => {
  const r = await run('kernel', 'build', 'src:/tmp');
  t.equal(r.exitCode, 3);
  t.match(r.stderr, /\/tmp is not a kernel source tree[\s\S]*hint: .*kernel fetch debian-source:6\.12/);
});

t.test('--help has examples', async (t) => {
  for (const c of ['kernel', 'regress']) {
    const r = await run(c, '--help');
    t.equal(r.exitCode, 0);
    t.match(r.stdout, /Examples:/);
  }
});

t.test('kernel list prints a table (or says the cache is empty)', async (t) => {
  const r = await run('kernel', 'list');
  t.equal(r.exitCode, 0);
  t.match(r.stdout, /^(KIND\s+VERSION\s+SPEC|no cached kernels)/);
  const j = await run('kernel', 'list', '--json');
  for (const line of j.stdout.split('\n').filter(Boolean)) t.match(JSON.parse(line), { kind: /^(debian|src|tree)$/, spec: String, path: String });
});
