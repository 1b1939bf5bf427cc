// `bpf-verdict run`: the corpus on real kernels and in the model, compared with what each program
// declares. Data on stdout (summary, --json or --tap), progress on stderr, reports to files.
import { writeFileSync } from 'node:fs';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import {
  CONFIG_HELP, CONFIG_OPTIONS, GUEST_JOBS_HELP, GUEST_JOBS_OPTIONS, KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, TOOLS_HELP, TOOLS_OPTIONS,
  PROFILE_HELP, PROFILE_OPTIONS, VM_HELP, VM_OPTIONS, configFrom, kernelBuildSettings, vmSettings,
} from '../shared-options.js';
import { UsageError } from '../../shared/errors.js';
import { runOptionsFrom } from '../../config/index.js';
import { parseKernelSpec } from '../../../vm/kernel.js';
import { runCorpus } from '../../run/index.js';
import { parseToolsChoice } from '../../../vm/tools.js';
import { parseShard } from '../../run/shard.js';
import { ProgressBar } from '../../report/progress.js';
import { formatSummary } from '../../report/summary.js';
import { formatJunit } from '../../report/junit.js';
import { formatTap } from '../../report/tap.js';
import { formatHtml } from '../../report/html.js';
import { jsonLines, readSources, writeOutDir } from '../../report/out.js';

const USAGE = 'bpf-verdict run [options] [PATH]...';

const HELP = `bpf-verdict run: the corpus on real kernels and in the model, compared with each program's declaration

Usage: ${USAGE}

Compile the corpus (default: the config's corpus, else programs/), load every program in a real
kernel under QEMU and in the reference model, compare both with the expectation each program
declares (test_loader annotations), and report. --jobs guests run at once (default: one per CPU):
kernels side by side first, one guest each; spare guests take a kernel's objects from one queue.
Records come out in the same order whatever --jobs is.
A guest that crashes costs only its culprit program: it is replaced and the others carry on.

Outcomes: agree, declared (a difference the program declares with __model_differs),
model-differs, expectation-differs, unsupported, loader-error, crash, timeout.
Exit code: 0 everything agrees or is declared; 1 differences; 2 usage; 3 a kernel or input unusable;
130 / 143 interrupted by SIGINT / SIGTERM (the reports hold every result obtained before it).

Options:
  --kernel SPEC        kernel to run on (repeatable; default: the config's kernels, else debian:6.12):
                       debian:6.12, debian:7.3, debian:newest, file:/path/bzImage, src:/path/tree[+fix.patch]
  --include GLOB       files to take from corpus directories (repeatable; replaces the config's)
  --exclude GLOB       files to skip (repeatable; replaces the config's)
  -I DIR               extra include directory for compiling (repeatable)
${TOOLS_HELP}
${CONFIG_HELP}
${PROFILE_HELP}
${VM_HELP}
${GUEST_JOBS_HELP}
  --shard I/N          only shard I of N (1-based): a stable split by file path relative to the
                       corpus root, for CI matrices; combine the shards with \`bpf-verdict merge\`
${KERNEL_BUILD_HELP}
  --json               one JSON object per program per line on stdout
  --tap                TAP 14 on stdout
  --junit FILE         JUnit XML report
  --html FILE          one self-contained HTML page (matrix, filters, source/log/trace)
  --out DIR            all reports in DIR/<date>/ and a line appended to DIR/history.jsonl
  --quiet              no progress on stderr
  --no-color           plain terminal summary

Examples:
  bpf-verdict run                                     # the corpus on debian:6.12
  bpf-verdict run programs/list programs/rbtree/pq.c  # part of it
  bpf-verdict run --kernel debian:6.12 --kernel src:~/linux --html report.html
  bpf-verdict run --json | jq 'select(.outcome != "agree")'
  bpf-verdict run --out ~/bpf-nightly && bpf-verdict history ~/bpf-nightly
  bpf-verdict run -j 1                                # one guest (e.g. to compare timings)
  bpf-verdict run --shard 2/4 --json > shard-2.jsonl  # one job of a 4-way CI matrix
`;

const OPTIONS = {
    kernel: { type: 'string', multiple: true },
    include: { type: 'string', multiple: true }, exclude: { type: 'string', multiple: true },
    I: { type: 'string', short: 'I', multiple: true },
    ...CONFIG_OPTIONS, ...PROFILE_OPTIONS, ...VM_OPTIONS, ...GUEST_JOBS_OPTIONS, ...KERNEL_BUILD_OPTIONS, ...TOOLS_OPTIONS,
    shard: { type: 'string' },
    json: { type: 'boolean' }, tap: { type: 'boolean' }, junit: { type: 'string' }, html: { type: 'string' },
    out: { type: 'string' }, quiet: { type: 'boolean' }, 'no-color': { type: 'boolean' },
  } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  async run({ values: v, positionals }) {
    if (v.json && v.tap) throw new UsageError('--json and --tap both write to stdout; pick one (use --junit/--html/--out for files)');
    // The configuration (profile included) is checked here, before any kernel is resolved.
    const shard = v.shard === undefined ? undefined : parseShard(v.shard);
    const cfg = configFrom(v);
    const kernels = v.kernel?.length ? v.kernel : cfg.kernels;
    for (const k of kernels) parseKernelSpec(k);
    parseToolsChoice(v.tools); // a usage error before anything else
    const progress = new ProgressBar(process.stderr, !!v.quiet);
    const stop = interruptOn(['SIGINT', 'SIGTERM'], (sig) => {
      progress.finish();
      process.stderr.write(`bpf-verdict run: ${sig}: stopping the guest and writing the results obtained so far (again to quit at once)\n`);
    });
    const result = await runCorpus({
      ...runOptionsFrom(cfg),
      kernels,
      tools: v.tools,
      paths: positionals.length ? positionals : cfg.corpus,
      include: v.include ?? cfg.include,
      exclude: v.exclude ?? cfg.exclude,
      includeDirs: [...cfg.build.includeDirs, ...(v.I ?? [])],
      profile: v.profile ?? cfg.profile,
      ...vmSettings(v, cfg),
      guests: v.jobs,
      shard,
      kernelBuild: kernelBuildSettings(v),
      trace: !!(v.html || v.out),
      onProgress: progress.handle,
      signal: stop.signal,
    });
    stop.dispose();
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
    return result.interrupted ? INTERRUPTED_EXIT[result.interrupted] ?? 130 : result.exitCode;
  },
};

/** As shells report a process killed by the signal: 128 + its number. */
const INTERRUPTED_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The first SIGINT/SIGTERM aborts the run (the runner stops its guest and returns what it has);
 * a second one exits at once, as a user pressing Ctrl-C twice expects.
 */
function interruptOn(signals: NodeJS.Signals[], onFirst: (sig: NodeJS.Signals) => void): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) process.exit(INTERRUPTED_EXIT[sig] ?? 130);
    onFirst(sig);
    ctl.abort(sig);
  };
  for (const s of signals) process.on(s, handler);
  return { signal: ctl.signal, dispose: () => { for (const s of signals) process.off(s, handler); } };
}
