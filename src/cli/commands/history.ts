// `bpf-verdict history DIR`: how outcomes changed run over run (DIR as given to `run --out`).
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import { UsageError } from '../../shared/errors.js';
import { readHistory } from '../../history/store.js';
import { changesBetween, formatHistory } from '../../history/history.js';

const HELP = `bpf-verdict history DIR [options]

Show the runs recorded in DIR/history.jsonl (written by 'bpf-verdict run --out DIR'): outcome counts
per run, then every program whose outcome changed from one run to the next.

Options:
  --last N      only the last N runs
  --json        one JSON object per run on stdout, with its changes against the run before
  --skip-bad    ignore damaged lines in the history file (they are reported on stderr)

Examples:
  bpf-verdict run --out ~/bpf-nightly        # nightly
  bpf-verdict history ~/bpf-nightly --last 7
`;

const OPTIONS = { last: { type: 'string', number: { min: 1, max: 1_000_000, int: true } }, json: { type: 'boolean' }, 'skip-bad': { type: 'boolean' } } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: 'bpf-verdict history DIR [--last N] [--json] [--skip-bad]',
  help: HELP,
  options: OPTIONS,
  async run(parsed) {
    const { values: v, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('name one directory (the one given to run --out)');
    const last = v.last;
    const { entries: all, bad, file } = readHistory(positionals[0]!, { skipBad: v['skip-bad'] });
    if (bad.length) process.stderr.write(`${file}: skipped damaged line(s) ${bad.join(', ')}\n`);
    const entries = last ? all.slice(-last) : all;
    if (v.json) {
      const start = all.length - entries.length;
      entries.forEach((e, i) => {
        const prev = all[start + i - 1];
        const { outcomes: _omit, ...rest } = e;
        process.stdout.write(JSON.stringify({ ...rest, changes: prev ? changesBetween(prev, e) : [] }) + '\n');
      });
    } else process.stdout.write(formatHistory(entries));
    return 0;
  },
};
