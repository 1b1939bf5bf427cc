// The shape every CLI command exports. Data goes to stdout, progress to stderr.
export interface Command {
  /** Full --help text, with examples. */
  help: string;
  /** Returns the process exit code (see main.ts). */
  run(argv: string[]): Promise<number>;
}
