// `bpf-verdict btf`: boot a kernel once, read its BTF, write vmlinux.h (cached per kernel).
import { copyFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import type { Schema } from '../options.js';
import {
  CONFIG_HELP, CONFIG_OPTIONS, KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, TOOLS_HELP, TOOLS_OPTIONS, VM_HELP, VM_OPTIONS, configFrom, kernelBuildSettings, vmSettings,
} from '../shared-options.js';
import { parseKernelSpec } from '../../../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../../vm/tools.js';
import { kernelBtfFor, vmlinuxHeaderFor } from '../../../vm/btf.js';

const USAGE = 'bpf-verdict btf [--kernel SPEC] [--tools SOURCE] [-o FILE] [--raw] [--json] [options]';

const HELP = `bpf-verdict btf: boot a kernel once and write its vmlinux.h

Usage: ${USAGE}

Prints the path of the cached vmlinux.h generated (bpftool) from the kernel's own
/sys/kernel/btf/vmlinux by the bpftool of the kernel's own line (built from its tree's
tools/bpf/bpftool; 7.x's adds kfunc prototypes). Programs for a kernel are compiled
against its own header. Cached per kernel and bpftool: the second call does not boot.

Options:
  --kernel SPEC        kernel (default: the config's first kernel, else debian:6.12; also debian:6.1,
                       file:PATH, src:PATH)
  -o, --output F       also copy the header (or, with --raw, the raw BTF) to F
  --raw                print the path of the raw BTF blob instead of vmlinux.h
  --json               {"kernel","id","header","btf"} on stdout instead of the path
${TOOLS_HELP}
${CONFIG_HELP}
${VM_HELP}
${KERNEL_BUILD_HELP}
  -h, --help           this text

Exit codes: 0 printed, 2 usage error, 3 the kernel could not be used (the message names it and the fix).

Examples:
  bpf-verdict btf --kernel debian:6.12
  bpf-verdict btf --kernel debian:6.12 -o programs/include/vmlinux.h
  clang-19 -target bpf -g -O2 -I "$(dirname "$(bpf-verdict btf)")" -c prog.bpf.c -o prog.bpf.o
`;

const OPTIONS = {
    kernel: { type: 'string' }, output: { type: 'string', short: 'o' }, raw: { type: 'boolean' }, json: { type: 'boolean' },
    ...CONFIG_OPTIONS, ...VM_OPTIONS, ...KERNEL_BUILD_OPTIONS, ...TOOLS_OPTIONS,
  } as const satisfies Schema;

export const command: Command<typeof OPTIONS> = {
  usage: USAGE,
  help: HELP,
  options: OPTIONS,
  positionals: { max: 0 },
  async run({ values }) {
    const cfg = configFrom(values);
    const spec = values.kernel ?? cfg.kernels[0]!;
    parseKernelSpec(spec); // a usage error before anything else
    const vm = vmSettings(values, cfg);
    const progress = (m: string) => process.stderr.write(`bpf-verdict: ${m}\n`);
    const kernel = await resolveKernelWithTools(spec, parseToolsChoice(values.tools), progress, kernelBuildSettings(values));
    const boot = { memoryMb: vm.memoryMb, cpus: vm.cpus, bootTimeoutMs: vm.bootTimeoutSec * 1000, requestTimeoutMs: vm.loadTimeoutSec * 1000, onProgress: progress };
    const header = await vmlinuxHeaderFor(kernel, boot);
    const btf = await kernelBtfFor(kernel, boot); // cached by the line above: no second boot
    const path = values.raw ? btf : header;
    if (values.output) await copyFile(path, values.output);
    process.stdout.write(values.json ? JSON.stringify({ kernel: kernel.spec, id: kernel.id, header, btf }) + '\n' : path + '\n');
    return 0;
  },
};
