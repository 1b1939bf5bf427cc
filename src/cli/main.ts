// Command dispatcher. Each command lives in src/cli/commands/<name>.ts and exports
// `command: Command`; this file only routes argv and maps thrown errors to exit codes.
// Exit codes: 0 ran (and, for run/regress, everything agreed or was declared),
// 1 differences found, 2 usage error, 3 environment/input error (missing kernel, bad ELF...).
import { BpfVerdictError, UsageError } from '../errors.js';
import type { Command } from './command.js';

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./commands/run.js'),
  load: () => import('./commands/load.js'),
  model: () => import('./commands/model.js'),
  explain: () => import('./commands/explain.js'),
  btf: () => import('./commands/btf.js'),
  kernel: () => import('./commands/kernel.js'),
  regress: () => import('./commands/regress.js'),
  history: () => import('./commands/history.js'),
};

const USAGE = `bpf-verdict: the BPF verifier's graph-ownership rules, real kernel vs reference model

Usage: bpf-verdict <command> [options]

Commands:
  run       compile the corpus, load it in a real kernel and in the model, compare, report
  load      load BPF objects in a real kernel (QEMU) and print verdicts and verifier logs
  model     predict verdicts with the reference model (no kernel needed)
  explain   show the model's walk through one program, state by state
  btf       boot a kernel once and write its vmlinux.h
  kernel    fetch kernel trees / list cached kernels
  regress   compare verdicts between a base and a head kernel
  history   show how outcomes changed run over run

Examples:
  bpf-verdict run                                   # corpus on debian:6.12
  bpf-verdict load --kernel debian:6.12 prog.bpf.o --json
  bpf-verdict model programs/build/*.o --json
  bpf-verdict explain prog.bpf.o my_prog
  bpf-verdict regress --base src:~/linux --head src:~/linux+fix.patch

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
  try {
    const { command } = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.help);
      return 0;
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bpf-verdict ${name}: ${err.describe()}\n(see: bpf-verdict ${name} --help)\n`);
      return 2;
    }
    if (err instanceof BpfVerdictError) {
      process.stderr.write(`bpf-verdict ${name}: ${err.describe()}\n`);
      return 3;
    }
    throw err;
  }
}
