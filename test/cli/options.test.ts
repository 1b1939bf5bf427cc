// The option schemas and the one parser (src/cli/options.ts), and every command's command line
// through runCli: a mistyped flag anywhere is exit 2 with the usage line, never a TypeError.
import t from 'tap';
import { closest, parseCommandLine } from '../../src/cli/options.js';
import { UsageError } from '../../src/shared/errors.js';
import { runCli } from '../../src/cli/main.js';
import { VM_OPTIONS, KERNEL_BUILD_OPTIONS, CONFIG_OPTIONS } from '../../src/cli/shared-options.js';
import type { Command, CommandGroup } from '../../src/cli/command.js';

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

const schema = {
  memory: { type: 'string', number: { min: 256, max: 65536, int: true } },
  'load-timeout': { type: 'string', number: { min: 1, max: 86400 } },
  'boot-timeout': { type: 'string', number: { min: 1, max: 86400 } },
  profile: { type: 'string', choices: ['6.12', '6.1'] },
  kernel: { type: 'string', multiple: true },
  jobs: { type: 'string', short: 'j', number: { min: 1, max: 64, int: true } },
  json: { type: 'boolean' },
} as const;

t.test('values come back typed: numbers as numbers, repeatable flags as lists', async (t) => {
  const a = parseCommandLine(['--memory', '512', '-j', '3', '--kernel', 'a', '--kernel=b', '--load-timeout', '2.5', '--json', 'x.o'], schema);
  t.same(a.values, { memory: 512, jobs: 3, kernel: ['a', 'b'], 'load-timeout': 2.5, json: true });
  t.same(a.positionals, ['x.o']);
});

t.test('bad values are UsageErrors naming the flag, its limits and the value', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--memory', '128'], /^--memory wants an integer from 256 to 65536, got '128'$/],
    [['--memory', '1e3x'], /--memory wants an integer/],
    [['--memory', ''], /--memory wants an integer/],
    [['-j', '1.5'], /^-j, --jobs wants an integer from 1 to 64, got '1\.5'$/],
    [['--load-timeout', '0'], /--load-timeout wants a number from 1 to 86400/],
    [['--profile', '__proto__'], /^--profile wants one of 6\.12, 6\.1, got '__proto__'$/],
    [['--memroy', '512'], /^unknown option '--memroy' \(did you mean --memory\?\)$/],
    [['--timeout', '5'], /did you mean --load-timeout or --boot-timeout\?/],
    [['--frobnicate'], /^unknown option '--frobnicate'$/],
    [['--memory'], /^--memory wants a value$/],
    [['--json=yes'], /^--json takes no value$/],
  ];
  for (const [argv, re] of cases) {
    const err = t.throws(() => parseCommandLine(argv, schema), argv.join(' ')) as Error;
    t.ok(err instanceof UsageError, `${argv.join(' ')}: a UsageError`);
    t.match(err.message, re);
  }
  t.throws(() => parseCommandLine(['a', 'b'], schema, { max: 1 }), /unexpected argument 'b'/);
  t.throws(() => parseCommandLine(['a'], schema, { max: 0 }), /takes no arguments, got 'a'/);
  t.same(closest('jsno', ['json', 'html']), ['json']);
  t.same(closest('zzzz', ['json', 'html']), []);
});

// Every command and subcommand, with a flag it does not have: the class of bug where a command
// parsed argv itself and let parseArgs' TypeError escape (exit 1, which means "differences").
const COMMAND_LINES: [string[], RegExp][] = [
  [['run'], /^usage: bpf-verdict run /m],
  [['load', 'x.o'], /^usage: bpf-verdict load /m],
  [['model', 'x.o'], /^usage: bpf-verdict model /m],
  [['explain', 'x.o', 'p'], /^usage: bpf-verdict explain /m],
  [['btf'], /^usage: bpf-verdict btf /m],
  [['history', '/tmp'], /^usage: bpf-verdict history /m],
  [['regress', '--base', 'debian:6.12', '--head', 'debian:6.1'], /^usage: bpf-verdict regress /m],
  [['kernel', 'fetch', 'debian-source:6.12'], /^usage: bpf-verdict kernel fetch /m],
  [['kernel', 'build', 'src:/tmp'], /^usage: bpf-verdict kernel build /m],
  [['kernel', 'list'], /^usage: bpf-verdict kernel list/m],
  [['kernel', 'prune'], /^usage: bpf-verdict kernel prune/m],
];

t.test('a mistyped flag for any command or subcommand: exit 2, the message and the usage line', async (t) => {
  for (const [argv, usage] of COMMAND_LINES) {
    const r = await cli([...argv, '--kernal-config', 'x']);
    t.equal(r.code, 2, `${argv.join(' ')}: exit 2`);
    t.match(r.err, /unknown option '--kernal-config'/, `${argv.join(' ')}: names the flag`);
    t.match(r.err, usage, `${argv.join(' ')}: the usage line`);
    t.notMatch(r.err, /TypeError|\n\s+at /, `${argv.join(' ')}: no stack`);
    t.equal(r.out, '', `${argv.join(' ')}: nothing on stdout`);
  }
});

t.test('every command has --help with examples (exit 0, on stdout)', async (t) => {
  for (const [argv] of COMMAND_LINES) {
    const r = await cli([...argv.slice(0, argv[0] === 'kernel' ? 2 : 1), '--help']);
    t.equal(r.code, 0, argv[0]);
    t.match(r.out, /Examples:/, `${argv[0]}: examples`);
  }
});

t.test('kernel subcommands: missing or unknown is exit 2 naming the known ones', async (t) => {
  const none = await cli(['kernel']);
  t.equal(none.code, 2);
  t.match(none.err, /kernel wants a subcommand: fetch, build, list or prune/);
  const bad = await cli(['kernel', 'constructor']);
  t.equal(bad.code, 2);
  t.match(bad.err, /unknown kernel subcommand 'constructor' \(known: fetch, build, list, prune\)/);
  t.equal((await cli(['__proto__'])).code, 2, 'an inherited property is not a command');
});

t.test('load, run, regress and btf share one definition of the VM, config and kernel-build options', async (t) => {
  const shared = { ...VM_OPTIONS, ...KERNEL_BUILD_OPTIONS, ...CONFIG_OPTIONS };
  for (const name of ['load', 'run', 'regress', 'btf']) {
    const { command } = (await import(`../../src/cli/commands/${name}.js`)) as { command: Command };
    for (const [flag, def] of Object.entries(shared)) t.equal(command.options[flag], def, `${name} --${flag} is the shared definition`);
    t.match(command.help, /--memory MB\s+guest memory, 256\.\.65536 \(config: memory; default 1024\)/, `${name}: same help line`);
  }
  const { command: kernel } = (await import('../../src/cli/commands/kernel.js')) as { command: CommandGroup };
  for (const [flag, def] of Object.entries(KERNEL_BUILD_OPTIONS)) t.equal(kernel.subcommands.build!.options[flag], def, `kernel build --${flag}`);
});
