// `bpf-verdict load`: boot one kernel, load BPF objects in it, print one verdict per program.
// Data on stdout (a table, or JSON lines), progress on stderr. Each object's results are
// printed as soon as they arrive, so a later crash loses nothing already obtained.
import { readObjectFile } from '../object-file.js';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import {
  CONFIG_HELP, CONFIG_OPTIONS, KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, TOOLS_HELP, TOOLS_OPTIONS, VM_HELP, VM_OPTIONS, configFrom, kernelBuildSettings, vmSettings,
} from '../shared-options.js';
import { InputError, UsageError } from '../../shared/errors.js';
import type { KernelResult } from '../../shared/verdict.js';
import { parseKernelSpec } from '../../../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../../vm/tools.js';
import { withVm } from '../../../vm/vm.js';
import { errnoName } from '../../shared/errno.js';

const USAGE = 'bpf-verdict load [options] OBJ.o [OBJ.o...] [PROGRAM...]';

const HELP = `bpf-verdict load: load BPF objects in a real kernel (QEMU) and print verdicts and verifier logs

Usage: ${USAGE}

Boots the kernel once, loads every program of each object (or only the PROGRAMs named)
through libbpf in the guest, and prints per program: verdict (accept, reject,
loader-error), errno, and the verifier's error line (found past 7.x's failure reports and
statistics lines; none for an accepted program).

Options:
  --kernel SPEC        kernel to ask (default: the config's first kernel, else debian:6.12);
                       also debian:6.1, file:/path/to/bzImage, src:/path/to/linux[+fix.patch]
  --json               one JSON object per program per line: object, program, section,
                       verdict, errno, message, log, libbpfLog, stats, reports (7.x
                       failure reports: category, problem, reason, at, causalPath, ...),
                       libbpf (which libbpf loaded it)
${TOOLS_HELP}
  --log                print each program's whole verifier log after the table row
  --log-level N        verifier log level (1 default, 2 = with states; 0 = no log)
  --console-log FILE   keep the guest's serial console in FILE
${CONFIG_HELP}
${VM_HELP}
${KERNEL_BUILD_HELP}
  -h, --help           this text

Exit codes: 0 ran (whatever the verdicts), 2 usage error, 3 could not run
(missing kernel, bad object file, guest panic or timeout).

Examples:
  bpf-verdict load --kernel debian:6.12 prog.bpf.o --json
  bpf-verdict load prog.bpf.o list_push_missing_lock --log
  bpf-verdict load --kernel debian:6.1 a.bpf.o b.bpf.o
  bpf-verdict load --kernel file:~/bpf-next/arch/x86/boot/bzImage --tools ~/bpf-next prog.bpf.o
`;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

async function readObject(path: string): Promise<Uint8Array> {
  const bytes = await readObjectFile(path);
  if (bytes.length < 4 || ELF_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(path, 'not an ELF file', 'compile the program first: clang-19 -target bpf -g -O2 -c prog.bpf.c -o prog.bpf.o');
  }
  return bytes;
}

export function tableRow(r: KernelResult, withObject: boolean): string {
  const errno = r.errno ? `${r.errno} ${errnoName(r.errno)}` : '0';
  const msg = r.verdict === 'accept' ? '' : (r.message ?? '');
  return [withObject ? r.object : null, r.program, r.verdict, errno, msg].filter((c) => c !== null).join('\t');
}

export function formatTable(rows: KernelResult[], withObject: boolean): string {
  const cells = rows.map((r) => tableRow(r, withObject).split('\t'));
  const head = (withObject ? ['OBJECT'] : []).concat(['PROGRAM', 'VERDICT', 'ERRNO', 'MESSAGE']);
  const all = [head, ...cells];
  const widths = head.map((_, i) => Math.max(...all.map((c) => (i < c.length - 1 ? c[i]!.length : 0))));
  return all.map((c) => c.map((v, i) => (i < c.length - 1 ? v.padEnd(widths[i]!) : v)).join('  ').trimEnd()).join('\n') + '\n';
}

const OPTIONS = {
    kernel: { type: 'string' }, json: { type: 'boolean' }, log: { type: 'boolean' },
    'log-level': { type: 'string', number: { min: 0, max: 7, int: true } }, 'console-log': { type: 'string' },
    ...CONFIG_OPTIONS, ...VM_OPTIONS, ...KERNEL_BUILD_OPTIONS, ...TOOLS_OPTIONS,
  } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  async run({ values: v, positionals }) {
    const objects = positionals.filter((p) => p.endsWith('.o'));
    const programs = positionals.filter((p) => !p.endsWith('.o'));
    if (!objects.length) throw new UsageError('no object file given (OBJ.o)');
    const cfg = configFrom(v);
    const spec = v.kernel ?? cfg.kernels[0]!;
    parseKernelSpec(spec); // a usage error before anything else
    if (!v.kernel && cfg.kernels.length > 1) process.stderr.write(`bpf-verdict: loading on ${spec}, the first of the configuration's kernels (--kernel picks another)\n`);
    const logLevel = v['log-level'];
    const { memoryMb, cpus, bootTimeoutSec, loadTimeoutSec } = vmSettings(v, cfg);
    const progress = (m: string) => process.stderr.write(`bpf-verdict: ${m}\n`);

    // Read every object first: a typo should not cost a boot.
    const inputs = await Promise.all(objects.map(async (o) => ({ path: o, bytes: await readObject(o) })));
    const kernel = await resolveKernelWithTools(spec, parseToolsChoice(v.tools), progress, kernelBuildSettings(v));
    const withObject = objects.length > 1;
    const rows: KernelResult[] = [];
    await withVm(kernel, { memoryMb, cpus, bootTimeoutMs: bootTimeoutSec * 1000, requestTimeoutMs: loadTimeoutSec * 1000, consoleLog: v['console-log'], onProgress: progress }, async (vm) => {
      // The agent loads side by side (one per vCPU): keep two requests in flight, print in order.
      const pending = inputs.map(() => null as Promise<KernelResult[]> | null);
      const start = (i: number) => {
        if (i < inputs.length) pending[i] = vm.loadObject(inputs[i]!.bytes, { object: inputs[i]!.path, programs: programs.length ? programs : undefined, logLevel });
      };
      start(0);
      start(1);
      for (let i = 0; i < inputs.length; i++) {
        const results = await pending[i]!;
        start(i + 2);
        if (v.json) {
          for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
        } else if (v.log) {
          for (const r of results) process.stdout.write(`${formatTable([r], withObject)}${r.log}${r.log.endsWith('\n') || r.log === '' ? '' : '\n'}${r.verdict === 'loader-error' && r.libbpfLog ? `libbpf:\n${r.libbpfLog}\n` : ''}\n`);
        }
        rows.push(...results);
      }
    }).catch((err: unknown) => {
      // Print what we have before reporting why we stopped.
      if (!v.json && !v.log && rows.length) process.stdout.write(formatTable(rows, withObject));
      throw err;
    });
    if (!v.json && !v.log) process.stdout.write(formatTable(rows, withObject));
    return 0;
  },
};
