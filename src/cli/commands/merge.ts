// `bpf-verdict merge`: the results of several runs (the shards of a CI matrix, kernels run on
// different machines) as one report, with the exit code one run over all of them would give.
import { writeFileSync } from 'node:fs';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import { UsageError } from '../../shared/errors.js';
import { mergeRuns } from '../../report/merge.js';
import { readMergeInput } from '../../report/merge-read.js';
import { formatSummary } from '../../report/summary.js';
import { formatJunit } from '../../report/junit.js';
import { formatTap } from '../../report/tap.js';
import { formatHtml } from '../../report/html.js';
import { jsonLines, readSources, writeOutDir } from '../../report/out.js';

const USAGE = 'bpf-verdict merge [options] INPUT...';

const HELP = `bpf-verdict merge: several runs' results as one report

Usage: ${USAGE}

Each INPUT is the stdout of \`bpf-verdict run --json\` (a file), a \`run --out\` run directory
(DIR/<date>/), or a \`run --out\` directory itself (its newest run). Typically the shards of a CI
matrix (\`run --shard I/N\`), or the same corpus run on different kernels on different machines.
The merged records come in the order one run over everything would print them; the same program
on the same kernel in two inputs is an error (exit 3). Shards missing from --out inputs (their
run.json says which shard they ran) are warned about on stderr.
Exit code: as \`run\`: 0 everything agrees or is declared; 1 differences; 2 usage; 3 an input
could not be read, or a kernel could not be used in one of the runs.

Options:
  --json               one JSON object per program per line on stdout (as run --json)
  --tap                TAP 14 on stdout
  --junit FILE         JUnit XML report
  --html FILE          one self-contained HTML page
  --out DIR            all reports in DIR/<date>/ and a line appended to DIR/history.jsonl
  --quiet              no summary on stderr with --json
  --no-color           plain terminal summary

Examples:
  bpf-verdict run --shard 1/2 --json > s1.jsonl; bpf-verdict run --shard 2/2 --json > s2.jsonl
  bpf-verdict merge s1.jsonl s2.jsonl --html report.html
  bpf-verdict merge shards/*/ --junit junit.xml --out ~/bpf-nightly   # --out dirs from CI artifacts
  bpf-verdict merge s*.jsonl --json | jq 'select(.outcome != "agree")'
`;

const OPTIONS = {
  json: { type: 'boolean' }, tap: { type: 'boolean' }, junit: { type: 'string' }, html: { type: 'string' },
  out: { type: 'string' }, quiet: { type: 'boolean' }, 'no-color': { type: 'boolean' },
} as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  positionals: { min: 1 },
  async run({ values: v, positionals }) {
    if (v.json && v.tap) {
      throw new UsageError('--json and --tap both write to stdout; pick one (use --junit/--html/--out for files)');
    }
    const { result, warnings } = mergeRuns(positionals.map(readMergeInput));
    for (const w of warnings) process.stderr.write(`bpf-verdict merge: warning: ${w}\n`);
    if (v.junit) writeFileSync(v.junit, formatJunit(result));
    if (v.html) writeFileSync(v.html, formatHtml({ result, sources: readSources(result) }));
    if (v.out) {
      const { runDir, history } = writeOutDir(v.out, result);
      process.stderr.write(`reports in ${runDir}; history line appended to ${history}\n`);
    }
    const summary = formatSummary(result, { color: !v['no-color'] && !!process.stdout.isTTY });
    if (v.json) {
      process.stdout.write(jsonLines(result));
      if (!v.quiet) process.stderr.write(summary.split('\n\nDifferences')[0]! + '\n');
    } else if (v.tap) process.stdout.write(formatTap(result));
    else process.stdout.write(summary);
    return result.exitCode;
  },
};
