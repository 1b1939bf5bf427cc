#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (scripts/setup.sh builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const main = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`bpf-verdict: ${main} is missing; build first with: bash ${join(root, 'scripts/setup.sh')}\n`);
  process.exit(3);
}
// `bpf-verdict ... | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
const { runCli } = await import(pathToFileURL(main).href);
process.exitCode = await runCli(process.argv.slice(2));
