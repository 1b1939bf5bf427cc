// `bpf-verdict explain OBJ.o PROGRAM`: the model's walk through one program, instruction by
// instruction in the verifier log's notation, with the abstract state (registers, stack,
// references, lock) where it changes, the branch points it comes back to, the states it prunes,
// and the verdict. Data on stdout.
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import { PROFILE_OPTIONS } from '../shared-options.js';
import { UsageError } from '../../shared/errors.js';
import { modelObject } from '../../model/index.js';
import { DEFAULT_PROFILE, PROFILE_NAMES, getProfile } from '../../profiles/index.js';
import { loadObject } from './model.js';

const HELP = `bpf-verdict explain: show the reference model's walk through one program

Usage: bpf-verdict explain OBJ.o PROGRAM [--profile ${DEFAULT_PROFILE}] [--json]

Prints every instruction the model processed, in the kernel verifier log's notation
("12: (85) call bpf_list_push_front_impl#..."), followed after "; " by the registers, stack
slots, references (refs=) and lock that changed, as the kernel's log level 2 does. Lines
"from N: ..." start a path the model had put aside at a branch; "safe" marks a state pruned
because an explored state at the same instruction covers it. The last lines give the verdict
and, for a rejection, the full state at the rejected instruction.

Options:
  --profile P   semantics profile: ${PROFILE_NAMES.join(', ')} (default ${DEFAULT_PROFILE})
  --json        {"object","program","section","verdict","rule","insn","message","stateAt","trace":[...]}
  -h, --help    this text

Exit codes: 0 printed, 1 the model failed internally (model-error, with its stack), 2 usage
error (or no such program), 3 the object could not be read or used.

Examples:
  bpf-verdict explain programs/build/list.o push_without_lock
  bpf-verdict explain prog.bpf.o my_prog --json | jq -r '.trace[]'
`;

/** As for `model`: 3 when the object cannot be used, 1 when the model itself failed. */
const exitFor = (v: string): number => (v === 'error' ? 3 : v === 'model-error' ? 1 : 0);

const OPTIONS = { ...PROFILE_OPTIONS, json: { type: 'boolean' } } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: 'bpf-verdict explain OBJ.o PROGRAM [--profile P] [--json]',
  help: HELP,
  options: OPTIONS,
  async run(parsed) {
    const [path, program, ...extra] = parsed.positionals;
    if (!path || !program || extra.length) throw new UsageError('expected exactly OBJ.o and PROGRAM');
    const profile = parsed.values.profile ?? DEFAULT_PROFILE;
    getProfile(profile);
    const obj = await loadObject(path);
    const [r] = modelObject(obj, { program, profile, trace: true });
    if (!r) throw new UsageError(`${path} has no program named '${program}' (has: ${obj.programs.map((p) => p.name).join(', ')})`);
    if (parsed.values.json) {
      process.stdout.write(JSON.stringify({ object: r.object, program: r.program, section: r.section, verdict: r.verdict, rule: r.rule, insn: r.insn, message: r.message, stateAt: r.stateAt, trace: r.trace ?? [], ...(r.stack ? { stack: r.stack } : {}) }) + '\n');
      return exitFor(r.verdict);
    }
    // the trace can hold a million lines (a walk to the complexity limit): concatenate, never
    // spread it into push()'s arguments (the call stack bounds those)
    const out = [`${r.program} (section ${r.section}) in ${r.object}, profile ${profile}`, ''].concat(r.trace ?? []);
    out.push('', `verdict: ${r.verdict}${r.rule ? `  rule: ${r.rule}` : ''}${r.insn !== null ? `  insn: ${r.insn}` : ''}`);
    if (r.message) out.push(`message: ${r.message}`);
    if (r.stateAt) out.push(`state at insn ${r.insn}: ${r.stateAt}`);
    out.push(`processed ${r.insnProcessed} insns`);
    if (r.stack) out.push('', 'model stack (a bug in the model: please report it with this):', r.stack);
    process.stdout.write(out.join('\n') + '\n');
    return exitFor(r.verdict);
  },
};
