// The shape every CLI command exports. Data goes to stdout, progress to stderr.
// A command declares its options as a schema (options.ts); main.ts parses argv once against it,
// so the command receives checked values and never parses argv itself.
import type { Args, Schema } from './options.js';

export interface Command<S extends Schema = Schema> {
  /** The usage line, printed with every usage error: "bpf-verdict load [options] OBJ.o...". */
  usage: string;
  /** Full --help text, with examples. */
  help: string;
  options: S;
  /** Bounds on the number of positional arguments (checked before run). */
  positionals?: { min?: number; max?: number };
  /** Returns the process exit code (see main.ts). */
  run(args: Args<S>): Promise<number>;
}

/** A command made of subcommands (`kernel fetch|build|list|prune`): each has its own schema. */
export interface CommandGroup {
  usage: string;
  help: string;
  subcommands: Record<string, Command>;
}

/** Typed from the schema literal: `defineCommand({ options: {...}, run({ values }) {...} })`. */
export function defineCommand<const S extends Schema>(c: Command<S>): Command<S> {
  return c;
}
