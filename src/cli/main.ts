// Command dispatcher. Each command lives in src/cli/commands/<name>.ts and exports
// `command: Command` (or a CommandGroup of subcommands) with its option schema; this file parses
// argv once against that schema, routes, and maps thrown errors to exit codes.
// Exit codes: 0 ran (and, for run/regress, everything agreed or was declared),
// 1 differences found, 2 usage error, 3 environment/input error (missing kernel, bad ELF...).
import { BpfVerdictError, UsageError } from '../shared/errors.js';
import type { Command, CommandGroup } from './command.js';
import { parseCommandLine } from './options.js';

const COMMANDS: Record<string, () => Promise<{ command: Command | CommandGroup }>> = {
  run: () => import('./commands/run.js'),
  load: () => import('./commands/load.js'),
  model: () => import('./commands/model.js'),
  explain: () => import('./commands/explain.js'),
  btf: () => import('./commands/btf.js'),
  kernel: () => import('./commands/kernel.js'),
  regress: () => import('./commands/regress.js'),
  history: () => import('./commands/history.js'),
  merge: () => import('./commands/merge.js'),
  fuzz: () => import('./commands/fuzz.js'),
};

const USAGE = `bpf-verdict: the BPF verifier's graph-ownership rules, real kernel vs reference model

Usage: bpf-verdict <command> [options]

Commands:
  run       compile the corpus, load it in a real kernel and in the model, compare, report
  load      load BPF objects in a real kernel (QEMU) and print verdicts and verifier logs
  model     predict verdicts with the reference model (no kernel needed)
  explain   show the model's walk through one program, state by state
  btf       boot a kernel once and write its vmlinux.h
  kernel    fetch kernel trees, build src: kernels, list and prune the cache
  regress   compare verdicts between a base and a head kernel
  history   show how outcomes changed run over run
  merge     combine the results of several runs (CI shards) into one report
  fuzz      generated programs on real kernels and in the model; disagreements shrunk and written

Examples:
  bpf-verdict run                                   # corpus on debian:6.12
  bpf-verdict load --kernel debian:6.12 prog.bpf.o --json
  bpf-verdict model programs/build/*.o --json
  bpf-verdict explain prog.bpf.o my_prog
  bpf-verdict regress --base src:~/linux --head src:~/linux+fix.patch
  bpf-verdict fuzz --kernel debian:7.3 --time 10m

Run 'bpf-verdict <command> --help' for a command's options.
`;

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined; // not Object.prototype's members
  if (!load) {
    process.stderr.write(`bpf-verdict: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  let usage = `bpf-verdict ${name} --help`;
  let who = name;
  try {
    const { command } = await load();
    usage = command.usage;
    // --help anywhere before `--` wins over every other check (even a mistyped flag).
    const opts = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
    if (opts.includes('--help') || opts.includes('-h')) {
      process.stdout.write(command.help);
      return 0;
    }
    let target: Command;
    let args = rest;
    if ('subcommands' in command) {
      const [sub, ...subArgs] = rest;
      const names = Object.keys(command.subcommands);
      if (!sub) throw new UsageError(`${name} wants a subcommand: ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
      if (!Object.hasOwn(command.subcommands, sub)) throw new UsageError(`unknown ${name} subcommand '${sub}' (known: ${names.join(', ')})`);
      target = command.subcommands[sub]!;
      usage = target.usage;
      who = `${name} ${sub}`;
      args = subArgs;
    } else target = command;
    return await target.run(parseCommandLine(args, target.options, target.positionals));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bpf-verdict ${who}: ${err.describe()}\nusage: ${usage}\n(see: bpf-verdict ${name} --help)\n`);
      return 2;
    }
    if (err instanceof BpfVerdictError) {
      process.stderr.write(`bpf-verdict ${who}: ${err.describe()}\n`);
      return 3;
    }
    const sys = systemErrorText(err);
    if (sys) {
      process.stderr.write(`bpf-verdict ${who}: ${sys}\n`);
      return 3;
    }
    throw err;
  }
}

/**
 * A file the user named that cannot be read or written (-o DIR, --html /no/such/dir/x.html): the
 * path, the call and the errno, for exit 3 instead of a stack trace. Null for anything else.
 */
export function systemErrorText(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string' || typeof e.path !== 'string') return null;
  return `${e.dest ?? e.path}: ${e.syscall} failed: ${e.code}\n  hint: check the path (an existing directory, write permission)`;
}
