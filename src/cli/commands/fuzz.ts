// `bpf-verdict fuzz`: generated programs on real kernels and in the model, disagreements shrunk and
// written as corpus programs. Data on stdout (summary, or --json), progress on stderr, findings in --out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import {
  CONFIG_HELP, CONFIG_OPTIONS, KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, PROFILE_HELP, PROFILE_OPTIONS, TOOLS_HELP, TOOLS_OPTIONS, VM_HELP, VM_OPTIONS,
  configFrom, kernelBuildSettings, vmSettings,
} from '../shared-options.js';
import { UsageError } from '../../shared/errors.js';
import { parseKernelSpec } from '../../../vm/kernel.js';
import { parseToolsChoice } from '../../../vm/tools.js';

const USAGE = 'bpf-verdict fuzz [--kernel SPEC]... [--seed N] [--count N | --time 10m] [--out DIR] [--json] [options]';

const HELP = `bpf-verdict fuzz: generated graph-API programs on real kernels and in the model

Usage: ${USAGE}

Generates BPF programs over the graph API (bpf_list, bpf_rbtree, bpf_refcount, bpf_spin_lock,
local kptrs), half meant to be valid and half with one injected fault, renders many per object
(one clang per object), loads them in one guest per kernel (booted once; a guest that crashes is
replaced and its culprit recorded as a finding of kind crash) and in the model, and compares each
program as \`run\` does (verdict, rule, instruction, message). The next object compiles while the
guest loads the current one. Every new disagreement is shrunk on the same kernel (statements
deleted and blocks unwrapped while the same kind, kernel rule and model rule remain) and written to
--out as a corpus program (__success or __failure __msg("kernel message"), __model_differs("model's
answer")) plus a line in findings.jsonl; findings are de-duplicated by (kind, kernel rule, model
rule) per kernel. Kinds: wrong-accept (model accepts, kernel rejects), wrong-reject, rule, insn,
message, model-error, crash, timeout.

With two kernels (two lines, or a base and a patched src: tree) the same programs run on both and
every transition (verdict, rule or message changed between the first kernel and another) goes to
transitions.jsonl, with whether the model's profiles predict it.

The summary (and --json) gives programs per second, verdict and message agreement, the model's
unsupported share, wrong accepts, and which rules (kernel's and model's) the campaign reached and
which graph rules it did not.

Options:
  --kernel SPEC        kernel to fuzz (repeatable; default debian:6.12): debian:6.12, debian:7.3,
                       file:/path/bzImage, src:/path/tree[+fix.patch]
  --seed N             campaign seed, 0..4294967295 (default: from the clock, printed; the same
                       seed gives the same programs)
  --count N            stop after N programs (default 200 when --time is not given)
  --time DURATION      stop after this long: 90s, 10m, 1h (with --count: whichever comes first)
  --out DIR            findings directory (default fuzz-findings/seed-N): one .c per finding,
                       findings.jsonl, transitions.jsonl, summary.json
  --per-object N       programs per object, 1..256 (default 32)
  --no-shrink          write disagreements as generated
  --json               the summary as one JSON object on stdout (as DIR/summary.json)
  --quiet              no progress on stderr
${TOOLS_HELP}
${CONFIG_HELP}
${PROFILE_HELP}
${VM_HELP}
${KERNEL_BUILD_HELP}

Exit codes: 0 no finding; 1 findings; 2 usage; 3 a kernel could not be used; 130 / 143 interrupted
by SIGINT / SIGTERM (every finding so far is on disk, summary.json written).

Examples:
  bpf-verdict fuzz --count 500                               # debian:6.12, 500 programs
  bpf-verdict fuzz --kernel debian:7.3 --time 10m --out findings-7.3
  bpf-verdict fuzz --kernel debian:6.12 --kernel debian:7.3 --seed 42 --count 1000
  bpf-verdict fuzz --kernel src:~/linux --kernel src:~/linux+fix.patch --time 30m
  bpf-verdict fuzz --seed 42 --json | jq '.findings[] | select(.kind == "wrong-accept")'
  bpf-verdict run findings-7.3/001-*.c                       # a finding is a corpus program
`;

const OPTIONS = {
  kernel: { type: 'string', multiple: true },
  seed: { type: 'string', number: { min: 0, max: 4294967295, int: true } },
  count: { type: 'string', number: { min: 1, max: 100_000_000, int: true } },
  time: { type: 'string' },
  out: { type: 'string' },
  'per-object': { type: 'string', number: { min: 1, max: 256, int: true } },
  'no-shrink': { type: 'boolean' },
  json: { type: 'boolean' }, quiet: { type: 'boolean' },
  ...CONFIG_OPTIONS, ...PROFILE_OPTIONS, ...VM_OPTIONS, ...KERNEL_BUILD_OPTIONS, ...TOOLS_OPTIONS,
} as const satisfies Schema;

/** "90s", "10m", "1h", "1h30m", or plain seconds -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  if (!m || text.trim() === '' || !(m[1] || m[2] || m[3])) throw new UsageError(`--time wants a duration like 90s, 10m or 1h, got '${text}'`);
  const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  if (ms <= 0) throw new UsageError(`--time wants a duration above zero, got '${text}'`);
  return ms;
}

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  positionals: { max: 0 },
  async run({ values: v }) {
    const kernels = v.kernel?.length ? v.kernel : ['debian:6.12'];
    for (const k of kernels) parseKernelSpec(k);
    if (new Set(kernels).size !== kernels.length) throw new UsageError('the same --kernel is named twice', 'name each kernel once');
    parseToolsChoice(v.tools);
    const timeMs = v.time === undefined ? undefined : parseDuration(v.time);
    const cfg = configFrom(v);
    const seed = v.seed ?? (Date.now() % 4294967296);
    const out = v.out ?? join('fuzz-findings', `seed-${seed}`);
    const say = (m: string): void => { if (!v.quiet) process.stderr.write(`${m}\n`); };
    const stop = interruptOn(['SIGINT', 'SIGTERM'], (sig) => say(`bpf-verdict fuzz: ${sig}: stopping; the findings so far are in ${out} (again to quit at once)`));
    const { runCampaign } = await import('../../fuzz/campaign.js');
    const { openTarget } = await import('../../fuzz/target.js');
    const { generate } = await import('../../fuzz/gen/index.js');
    const { renderObject } = await import('../../fuzz/render.js');
    const { realAnalysisBackend, realKernelBackend } = await import('../../run/real.js');
    const { formatCampaign } = await import('../../fuzz/summary.js');
    const scratch = mkdtempSync(join(tmpdir(), 'bpf-verdict-fuzz-'));
    const vm = vmSettings(v, cfg);
    say(`bpf-verdict fuzz: seed ${seed}${v.seed === undefined ? ' (from the clock: pass --seed to repeat it)' : ''}; findings in ${out}`);
    try {
      const deps = { kernel: realKernelBackend, analysis: realAnalysisBackend };
      const result = await runCampaign({
        open: (spec) => openTarget(deps, { spec, profile: v.profile ?? cfg.profile, ...vm, tools: v.tools, kernelBuild: kernelBuildSettings(v),
          dir: scratch, render: renderObject, onProgress: say, signal: stop.signal }),
        generate, render: renderObject,
      }, { kernels, seed, count: v.count, timeMs, out, perObject: v['per-object'], shrink: !v['no-shrink'], onProgress: say, signal: stop.signal });
      stop.dispose();
      if (v.json) process.stdout.write(JSON.stringify(result) + '\n');
      else process.stdout.write(formatCampaign(result));
      if (result.interrupted) return stop.signal.reason === 'SIGTERM' ? 143 : 130;
      return result.exitCode;
    } finally {
      stop.dispose();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

/** The first SIGINT/SIGTERM stops the campaign (findings are on disk already); a second exits at once. */
function interruptOn(signals: NodeJS.Signals[], onFirst: (sig: NodeJS.Signals) => void): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (ctl.signal.aborted) process.exit(sig === 'SIGTERM' ? 143 : 130);
    onFirst(sig);
    ctl.abort(sig);
  };
  for (const s of signals) process.on(s, handler);
  return { signal: ctl.signal, dispose: () => { for (const s of signals) process.off(s, handler); } };
}
