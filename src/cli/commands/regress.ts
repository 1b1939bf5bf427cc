// `bpf-verdict regress --base SPEC --head SPEC [PATH]...`: what a kernel change does to verdicts.
// Data on stdout (table or JSON lines), progress on stderr, HTML to a file.
import { writeFileSync } from 'node:fs';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import {
  CONFIG_HELP, CONFIG_OPTIONS, GUEST_JOBS_HELP, GUEST_JOBS_OPTIONS, KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, PROFILE_HELP, PROFILE_OPTIONS, VM_HELP, VM_OPTIONS,
  configFrom, kernelBuildSettings, vmSettings,
} from '../shared-options.js';
import { UsageError } from '../../shared/errors.js';
import { runOptionsFrom } from '../../config/index.js';
import { parseKernelSpec } from '../../../vm/kernel.js';
import { ProgressBar } from '../../report/progress.js';

const USAGE = 'bpf-verdict regress --base SPEC --head SPEC [PATH]... [options]';

const HELP = `bpf-verdict regress: compare verdicts between a base and a head kernel

Usage: ${USAGE}

Runs the corpus (PATHs, default: the corpus of bpf-verdict.yaml, i.e. programs/) on both kernels
and the model, and reports every program whose kernel verdict, rule or message changed, next to
the model's verdict, marking which changes the model agrees with. Both kernels are resolved
(downloaded or built) first; when either cannot be used, nothing is compared: the error is
printed and the exit code is 3.

Options:
  --base SPEC           the kernel before the change (debian:6.12, file:BZIMAGE, src:TREE[+A.patch...])
  --head SPEC           the kernel after the change (typically src:TREE+your.patch)
  --json                one JSON object per program per line: object, program, section,
                        base{verdict,rule,message}, head{...}, changed, change, model{...},
                        model_agrees (true/false, null when the model says unsupported), expected,
                        expectation_ok, flagged
  --html FILE           also write an HTML report (both verifier logs per program)
  --all                 list unchanged programs in the table too
${CONFIG_HELP}
${PROFILE_HELP}
${VM_HELP}
${GUEST_JOBS_HELP}
${KERNEL_BUILD_HELP}

Exit codes: 0 no change disagrees with the model or a declared expectation; 1 some change does
(it is "flagged"); 2 usage; 3 a kernel could not be built, booted or used.

Examples:
  tree=$(bpf-verdict kernel fetch debian-source:6.12)
  bpf-verdict regress --base src:$tree --head src:$tree+test/fixtures/patches/keep-non-owning-refs-after-unlock.patch
  bpf-verdict regress --base debian:6.12 --head src:~/bpf-next programs/list --json > changes.jsonl
  bpf-verdict regress --base src:~/linux --head src:~/linux+fix.patch --html regress.html
`;

const OPTIONS = {
    base: { type: 'string' }, head: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, all: { type: 'boolean' },
    ...CONFIG_OPTIONS, ...PROFILE_OPTIONS, ...VM_OPTIONS, ...GUEST_JOBS_OPTIONS, ...KERNEL_BUILD_OPTIONS,
  } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  async run({ values, positionals }) {
    if (!values.base || !values.head) throw new UsageError('regress needs --base SPEC and --head SPEC');
    parseKernelSpec(values.base);
    parseKernelSpec(values.head);
    const cfg = configFrom(values);
    const { runRegress } = await import('../../regress/index.js');
    const { jsonLines, formatTable, formatSummary } = await import('../../regress/format.js');
    const progress = (m: string) => process.stderr.write(`${m}\n`);
    const bar = new ProgressBar(process.stderr);
    const result = await runRegress({
      ...runOptionsFrom(cfg), base: values.base, head: values.head,
      paths: positionals.length ? positionals : cfg.corpus, trace: false,
      profile: values.profile ?? cfg.profile, ...vmSettings(values, cfg), kernelBuild: kernelBuildSettings(values),
      guests: values.jobs, onProgress: bar.handle,
    });
    bar.finish();
    if (!result.compared) {
      // Half a comparison would show every program of the other kernel as changed: say only why.
      for (const k of result.unusable) progress(`kernel ${k.spec} could not be used:\n${k.error}`);
      progress(`regress ${result.base} -> ${result.head}: nothing compared (${result.unusable.map((k) => k.spec).join(', ')} unusable)`);
      return 3;
    }
    const run = result.run!;
    if (values.html) {
      const { regressHtml } = await import('../../regress/html.js');
      writeFileSync(values.html, regressHtml({ base: result.base, head: result.head, rows: result.rows, summary: result.summary,
        records: run.records, generatedAt: new Date().toISOString() }));
      progress(`HTML report: ${values.html}`);
    }
    if (values.json) process.stdout.write(jsonLines(result.rows));
    else process.stdout.write(formatTable(result.rows, { all: values.all, color: process.stdout.isTTY }));
    process.stderr.write(formatSummary(result.summary, result.base, result.head));
    return result.exitCode;
  },
};
