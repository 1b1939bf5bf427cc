// `bpf-verdict btf`: boot a kernel once, read its BTF, write vmlinux.h (cached per kernel).
import { copyFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_KERNEL } from '../../../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../../vm/tools.js';
import { kernelBtfFor, vmlinuxHeaderFor } from '../../../harness/btf.js';

const HELP = `bpf-verdict btf: boot a kernel once and write its vmlinux.h

Usage: bpf-verdict btf [--kernel SPEC] [--tools SOURCE] [-o FILE] [--raw]

Prints the path of the cached vmlinux.h generated (bpftool) from the kernel's own
/sys/kernel/btf/vmlinux by the bpftool of the kernel's own line (built from its tree's
tools/bpf/bpftool; 7.x's adds kfunc prototypes). Programs for a kernel are compiled
against its own header. Cached per kernel and bpftool: the second call does not boot.

Options:
  --kernel SPEC   kernel (default ${DEFAULT_KERNEL}; debian:6.1, file:PATH, src:PATH)
  --tools SOURCE  libbpf and bpftool to use: auto (default: the kernel's own tree,
                  src:TREE's, or Debian's linux-source-X for debian:X), debian (the
                  host's libbpf 1.1 / bpftool 7.1), or a kernel tree PATH
  -o, --output F  also copy the header (or, with --raw, the raw BTF) to F
  --raw           print the path of the raw BTF blob instead of vmlinux.h
  -h, --help      this text

Examples:
  bpf-verdict btf --kernel debian:6.12
  bpf-verdict btf --kernel debian:6.12 -o programs/include/vmlinux.h
  clang-19 -target bpf -g -O2 -I "$(dirname "$(bpf-verdict btf)")" -c prog.bpf.c -o prog.bpf.o
`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { kernel: { type: 'string' }, tools: { type: 'string' }, output: { type: 'string', short: 'o' }, raw: { type: 'boolean' } } }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const progress = (m: string) => process.stderr.write(`bpf-verdict: ${m}\n`);
    const choice = parseToolsChoice(values.tools);
    const kernel = await resolveKernelWithTools(values.kernel ?? DEFAULT_KERNEL, choice, progress);
    const path = values.raw ? await kernelBtfFor(kernel, { onProgress: progress }) : await vmlinuxHeaderFor(kernel, { onProgress: progress });
    if (values.output) await copyFile(path, values.output);
    process.stdout.write(path + '\n');
    return 0;
  },
};
