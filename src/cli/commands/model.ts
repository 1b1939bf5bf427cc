// `bpf-verdict model`: the reference model's verdict for each program of one or more objects.
// Data on stdout (a table, or one JSON object per program with the fixed field list), errors on
// stderr. An unreadable object is reported as an `error` row for that object and the other
// objects still run; the exit code is then 3.
import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import { PROFILE_OPTIONS } from '../shared-options.js';
import { BpfVerdictError, InputError, UsageError } from '../../shared/errors.js';
import { readObject } from '../../object/read.js';
import { readObjectFile } from '../object-file.js';
import { modelObject, type ModelProgramResult } from '../../model/index.js';
import { DEFAULT_PROFILE, PROFILE_NAMES, getProfile, profileForRelease, type Profile } from '../../profiles/index.js';
import { specRelease } from '../../../vm/kernel.js';
import type { BpfObject } from '../../object/types.js';
import type { Btf } from '../../btf/types.js';
import { parseBtf } from '../../btf/parse.js';

const HELP = `bpf-verdict model: predict a kernel line's verifier verdicts with the reference model (no kernel runs)

Usage: bpf-verdict model OBJ.o [OBJ.o...] [--program NAME] [--profile ${DEFAULT_PROFILE} | --kernel SPEC] [--btf FILE] [--json]

For each program of each object: accept, reject (rule id, instruction index and the kernel's
message), unsupported (the construct the model does not model), error (an object it cannot use),
or model-error (the model itself failed: a bug, reported with its stack; never a verdict).

Options:
  --program NAME   only this program (entry function name)
  --profile P      semantics profile: ${PROFILE_NAMES.join(', ')} (default ${DEFAULT_PROFILE})
  --kernel SPEC    the profile that kernel gets in a run (debian:7.3, file:bzImage, src:TREE),
                   from its release; nothing is downloaded, built or booted
  --btf FILE       the target kernel's raw BTF (/sys/kernel/btf/vmlinux, or the vmlinux.btf that
                   \`bpf-verdict btf\` caches): CO-RE relocations (ctx->field through vmlinux.h,
                   bpf_core_field_offset...) get the values libbpf would patch in; without it they
                   are unsupported (TYPE_ID_LOCAL, as bpf_obj_new uses, needs no target)
  --json           one JSON object per program per line:
                   {"object","program","section","verdict","rule","insn","message","ms"}
  -h, --help       this text

Exit codes: 0 ran (whatever the verdicts), 1 the model failed internally on a program
(model-error), 2 usage error (or no such program), 3 an object could not be read or used.

Examples:
  bpf-verdict model programs/build/list.o
  bpf-verdict model prog.bpf.o --program list_push_missing_lock --json
  bpf-verdict model --profile 7.3 a.o b.o
  bpf-verdict model --kernel src:~/bpf-next a.o
  bpf-verdict model --btf /sys/kernel/btf/vmlinux prog.bpf.o
`;

/** The target BTF named by --btf, or an InputError naming the file and the fix. */
async function loadTargetBtf(path: string): Promise<Btf> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(path, `cannot read the target BTF: ${(err as Error).message}`, 'give a raw BTF file: /sys/kernel/btf/vmlinux, or the vmlinux.btf under ~/.cache/bpf-verdict/btf/', { cause: err });
  }
  return parseBtf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** The object, or an InputError naming the file and the fix. An object without programs is refused too. */
export async function loadObject(path: string): Promise<BpfObject> {
  const obj = readObject(await readObjectFile(path), path);
  if (!obj.programs.length) {
    throw new InputError(path, 'has no BPF programs (no function in an executable section other than .text)',
      'put each program in its own section: SEC("tc") int my_prog(struct __sk_buff *skb) { ... }');
  }
  return obj;
}

/** The fixed JSON shape (nothing else), plus `stack` on a model-error row. */
export function jsonRow(r: Pick<ModelProgramResult, 'object' | 'program' | 'section' | 'verdict' | 'rule' | 'insn' | 'message' | 'ms' | 'stack'>): string {
  return JSON.stringify({ object: r.object, program: r.program, section: r.section, verdict: r.verdict, rule: r.rule, insn: r.insn, message: r.message, ms: r.ms, ...(r.stack ? { stack: r.stack } : {}) });
}

function tableRows(rows: ModelProgramResult[]): string {
  const head = ['OBJECT', 'PROGRAM', 'VERDICT', 'INSN', 'RULE', 'MESSAGE'];
  const cells = rows.map((r) => [r.object, r.program, r.verdict, r.insn === null ? '-' : String(r.insn), r.rule ?? '-', (r.message ?? '').split('\n').pop()!]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(w[i]!))).join('  ');
  return [line(head), ...cells.map(line)].join('\n') + '\n';
}

/** --profile names a line; --kernel picks the line a run would give that kernel (and says why when it is not its own). */
async function chooseProfile(name: string | undefined, kernel: string | undefined): Promise<Profile> {
  if (name && kernel) throw new UsageError('--profile and --kernel both choose the semantics; give one');
  if (!kernel) return getProfile(name ?? DEFAULT_PROFILE);
  const choice = profileForRelease(await specRelease(kernel));
  process.stderr.write(`bpf-verdict model: ${kernel}: Linux ${choice.profile.name} semantics${choice.note ? ` (${choice.note})` : ''}\n`);
  return choice.profile;
}

const OPTIONS = { program: { type: 'string' }, ...PROFILE_OPTIONS, kernel: { type: 'string' }, btf: { type: 'string' }, json: { type: 'boolean' } } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: 'bpf-verdict model OBJ.o [OBJ.o...] [--program NAME] [--profile P | --kernel SPEC] [--btf FILE] [--json]',
  help: HELP,
  options: OPTIONS,
  async run(parsed) {
    const { values, positionals } = parsed;
    if (!positionals.length) throw new UsageError('no object file given');
    const profile = await chooseProfile(values.profile, values.kernel); // before any work: usage errors first
    let targetBtf: Btf | null = null;
    if (values.btf) {
      try {
        targetBtf = await loadTargetBtf(values.btf);
      } catch (err) {
        if (!(err instanceof BpfVerdictError)) throw err;
        process.stderr.write(`bpf-verdict model: ${err.describe()}\n`);
        return 3;
      }
    }
    let failed = false;    // an object could not be read or used: exit 3
    let internal = false;  // the model failed on a program: exit 1
    const all: ModelProgramResult[] = [];
    const missing: string[] = [];   // objects without the --program asked for: "path (has: a, b)"
    for (const path of positionals) {
      let rows: ModelProgramResult[];
      try {
        const obj = await loadObject(path);
        rows = modelObject(obj, { profile, program: values.program, targetBtf });
        if (values.program && !rows.length) missing.push(`${path} (has: ${obj.programs.map((p) => p.name).join(', ')})`);
      } catch (err) {
        if (!(err instanceof BpfVerdictError)) throw err;
        failed = true;
        process.stderr.write(`bpf-verdict model: ${err.describe()}\n`);
        rows = [{ object: path, program: values.program ?? '', section: '', verdict: 'error', rule: null, insn: null, message: err.message, messageLines: [err.message], ms: 0, stateAt: null, insnProcessed: 0 }];
      }
      for (const r of rows) {
        if (r.verdict === 'error') failed = true;
        if (r.verdict === 'model-error') {
          internal = true;
          process.stderr.write(`bpf-verdict model: ${path}: ${r.program}: ${r.message}\n${r.stack ?? ''}\n`);
        }
      }
      if (values.json) for (const r of rows) process.stdout.write(jsonRow(r) + '\n');
      all.push(...rows);
    }
    if (!values.json && all.length) process.stdout.write(tableRows(all));
    // a mistyped --program is a usage error (as for explain); where some objects have it, the
    // others are named so the rows printed are not mistaken for all of them
    if (values.program && missing.length) {
      const none = missing.length === positionals.length;
      if (none) throw new UsageError(`no program named '${values.program}' in ${missing.join('; ')}`, 'give a program name the object has (see the list)');
      process.stderr.write(`bpf-verdict model: no program named '${values.program}' in ${missing.join('; ')}\n`);
    }
    return failed ? 3 : internal ? 1 : 0;
  },
};
