// `bpf-verdict regress --base SPEC --head SPEC [PATH]...`: what a kernel change does to verdicts.
// Data on stdout (table or JSON lines), progress on stderr, HTML to a file.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../../errors.js';
import { findConfig, loadConfig, runOptionsFrom } from '../../config/index.js';
import { ProgressBar } from '../../report/progress.js';

const HELP = `bpf-verdict regress: compare verdicts between a base and a head kernel

Usage: bpf-verdict regress --base SPEC --head SPEC [PATH]... [options]

Runs the corpus (PATHs, default: the corpus of bpf-verdict.yaml, i.e. programs/) on both kernels
and the model, and reports every program whose kernel verdict, rule or message changed, next to
the model's verdict, marking which changes the model agrees with.

Options:
  --base SPEC           the kernel before the change (debian:6.12, file:BZIMAGE, src:TREE[+A.patch...])
  --head SPEC           the kernel after the change (typically src:TREE+your.patch)
  --json                one JSON object per program per line: object, program, section,
                        base{verdict,rule,message}, head{...}, changed, change, model{...},
                        model_agrees (true/false, null when the model says unsupported), expected,
                        expectation_ok, flagged
  --html FILE           also write an HTML report (both verifier logs per program)
  --all                 list unchanged programs in the table too
  --config FILE         bpf-verdict.yaml to read (default: ./bpf-verdict.yaml if present)
  --kernel-config FILE  extra kernel config fragment for src: builds (repeatable)

Exit codes: 0 no change disagrees with the model or a declared expectation; 1 some change does
(it is "flagged"); 2 usage; 3 a kernel could not be built, booted or used.

Examples:
  tree=$(bpf-verdict kernel fetch debian-source:6.12)
  bpf-verdict regress --base src:$tree --head src:$tree+test/fixtures/patches/keep-non-owning-refs-after-unlock.patch
  bpf-verdict regress --base debian:6.12 --head src:~/bpf-next programs/list --json > changes.jsonl
  bpf-verdict regress --base src:~/linux --head src:~/linux+fix.patch --html regress.html
`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        base: { type: 'string' }, head: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' },
        all: { type: 'boolean' }, config: { type: 'string' }, 'kernel-config': { type: 'string', multiple: true },
      },
    });
    if (!values.base || !values.head) throw new UsageError('regress needs --base SPEC and --head SPEC');
    if (values['kernel-config']?.length) {
      // resolveKernel (vm/kernel.ts) takes a spec only: the fragments reach the source builder this way.
      const prev = process.env.BPF_VERDICT_KERNEL_FRAGMENTS;
      process.env.BPF_VERDICT_KERNEL_FRAGMENTS = [...values['kernel-config'].map((p) => resolve(p)), ...(prev ? [prev] : [])].join(':');
    }
    const cfg = loadConfig(findConfig(values.config));
    const { runRegress } = await import('../../regress/index.js');
    const { jsonLines, formatTable, formatSummary } = await import('../../regress/format.js');
    const progress = (m: string) => process.stderr.write(`${m}\n`);
    const bar = new ProgressBar(process.stderr);
    const result = await runRegress({
      ...runOptionsFrom(cfg), base: values.base, head: values.head,
      paths: positionals.length ? positionals : cfg.corpus, trace: false,
      onProgress: bar.handle,
    });
    bar.finish();
    for (const k of result.run.kernels) if (k.error) progress(`kernel ${k.spec} could not be used:\n${k.error}`);
    if (values.html) {
      const { regressHtml } = await import('../../regress/html.js');
      writeFileSync(values.html, regressHtml({ base: result.base, head: result.head, rows: result.rows, summary: result.summary,
        records: result.run.records, generatedAt: new Date().toISOString() }));
      progress(`HTML report: ${values.html}`);
    }
    if (values.json) process.stdout.write(jsonLines(result.rows));
    else process.stdout.write(formatTable(result.rows, { all: values.all, color: process.stdout.isTTY }));
    process.stderr.write(formatSummary(result.summary, result.base, result.head));
    return result.exitCode;
  },
};
