// `bpf-verdict run`: the corpus on real kernels and in the model, compared with what each program
// declares. Data on stdout (summary, --json or --tap), progress on stderr, reports to files.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../../errors.js';
import { findConfig, loadConfig, runOptionsFrom } from '../../config/index.js';
import { runCorpus } from '../../run/index.js';
import { ProgressBar } from '../../report/progress.js';
import { formatSummary } from '../../report/summary.js';
import { formatJunit } from '../../report/junit.js';
import { formatTap } from '../../report/tap.js';
import { formatHtml } from '../../report/html.js';
import { jsonLines, readSources, writeOutDir } from '../../report/out.js';

const HELP = `bpf-verdict run [options] [PATH]...

Compile the corpus (default: the config's corpus, else programs/), load every program in a real
kernel under QEMU and in the reference model, compare both with the expectation each program
declares (test_loader annotations), and report. One guest per kernel, booted once.

Outcomes: agree, declared (a difference the program declares with __model_differs),
model-differs, expectation-differs, unsupported, loader-error, crash, timeout.
Exit code: 0 everything agrees or is declared; 1 differences; 2 usage; 3 a kernel or input unusable.

Options:
  --kernel SPEC       kernel to run on (repeatable; default debian:6.12): debian:6.12,
                      file:/path/bzImage, src:/path/tree[+fix.patch]
  --config FILE       configuration (default ./bpf-verdict.yaml when present)
  --include GLOB      files to take from corpus directories (repeatable; replaces the config's)
  --exclude GLOB      files to skip (repeatable; replaces the config's)
  -I DIR              extra include directory for compiling (repeatable)
  --profile NAME      model semantics for every kernel (default: each kernel's own line,
                      from its release; a newer kernel gets the newest line, and the report says so)
  --memory MB         guest memory          --cpus N     guest vCPUs
  --boot-timeout S    seconds to boot       --load-timeout S   seconds per object load
  --json              one JSON object per program per line on stdout
  --tap               TAP 14 on stdout
  --junit FILE        JUnit XML report
  --html FILE         one self-contained HTML page (matrix, filters, source/log/trace)
  --out DIR           all reports in DIR/<date>/ and a line appended to DIR/history.jsonl
  --quiet             no progress on stderr
  --no-color          plain terminal summary

Examples:
  bpf-verdict run                                     # the corpus on debian:6.12
  bpf-verdict run programs/list programs/rbtree/pq.c  # part of it
  bpf-verdict run --kernel debian:6.12 --kernel src:~/linux --html report.html
  bpf-verdict run --json | jq 'select(.outcome != "agree")'
  bpf-verdict run --out ~/bpf-nightly && bpf-verdict history ~/bpf-nightly
`;

const num = (v: string | undefined, flag: string, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} wants a number >= ${min}, got '${v}'`);
  return n;
};

export const command: Command = {
  help: HELP,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv, allowPositionals: true, strict: true,
        options: {
          kernel: { type: 'string', multiple: true }, config: { type: 'string' },
          include: { type: 'string', multiple: true }, exclude: { type: 'string', multiple: true },
          I: { type: 'string', short: 'I', multiple: true }, profile: { type: 'string' },
          memory: { type: 'string' }, cpus: { type: 'string' }, 'boot-timeout': { type: 'string' }, 'load-timeout': { type: 'string' },
          json: { type: 'boolean' }, tap: { type: 'boolean' }, junit: { type: 'string' }, html: { type: 'string' },
          out: { type: 'string' }, quiet: { type: 'boolean' }, 'no-color': { type: 'boolean' },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values: v, positionals } = parsed;
    if (v.json && v.tap) throw new UsageError('--json and --tap both write to stdout; pick one (use --junit/--html/--out for files)');
    const cfg = loadConfig(findConfig(v.config));
    const progress = new ProgressBar(process.stderr, !!v.quiet);
    const result = await runCorpus({
      ...runOptionsFrom(cfg),
      kernels: v.kernel?.length ? v.kernel : cfg.kernels,
      paths: positionals.length ? positionals : cfg.corpus,
      include: v.include ?? cfg.include,
      exclude: v.exclude ?? cfg.exclude,
      includeDirs: [...cfg.build.includeDirs, ...(v.I ?? [])],
      profile: v.profile ?? cfg.profile,
      memoryMb: num(v.memory, '--memory', 128) ?? cfg.memoryMb,
      cpus: num(v.cpus, '--cpus', 1) ?? cfg.cpus,
      bootTimeoutSec: num(v['boot-timeout'], '--boot-timeout', 1) ?? cfg.timeouts.bootSec,
      loadTimeoutSec: num(v['load-timeout'], '--load-timeout', 1) ?? cfg.timeouts.loadSec,
      trace: !!(v.html || v.out),
      onProgress: progress.handle,
    });
    progress.finish();

    // Files first: a broken stdout (a closed pipe) must not cost the reports.
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
    } else if (v.tap) {
      process.stdout.write(formatTap(result));
    } else {
      process.stdout.write(summary);
    }
    return result.exitCode;
  },
};
