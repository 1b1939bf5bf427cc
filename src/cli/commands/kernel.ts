// `bpf-verdict kernel fetch|build|list`: kernel trees and the kernels built from them.
// Data (paths, tables, JSON lines) on stdout; progress on stderr.
import { defineCommand, type CommandGroup } from '../command.js';
import { KERNEL_BUILD_HELP, KERNEL_BUILD_OPTIONS, kernelBuildSettings } from '../shared-options.js';
import { UsageError } from '../../shared/errors.js';

const USAGE = {
  fetch: 'bpf-verdict kernel fetch debian-source:6.12 [--json]',
  build: 'bpf-verdict kernel build src:TREE[+A.patch...] [--kernel-config FILE] [-j N] [--json]',
  list: 'bpf-verdict kernel list [--available] [--json]',
  prune: 'bpf-verdict kernel prune [--dry-run]',
};

const HELP = `bpf-verdict kernel: kernel trees and cached kernels

Usage:
  bpf-verdict kernel fetch debian-source:7.3      download + unpack Debian's linux-source-7.3 (newest in any suite;
                                                  also debian-source:6.12, debian-source:7.3.4); prints the tree's path
  bpf-verdict kernel build SPEC [options]         build (or find in the cache) a src: kernel; prints its bzImage
  bpf-verdict kernel list [--json]                cached kernels: Debian images, source builds, fetched trees
  bpf-verdict kernel list --available [--json]    what Debian offers: per series the newest version, its suite,
                                                  whether it is cached, and its linux-source package
  bpf-verdict kernel prune [--dry-run] [--json]   delete source builds made with other fragments or another toolchain

Options (fetch, build, list, prune):
  --json               JSON on stdout instead of text (one object per line)

Options (build):
${KERNEL_BUILD_HELP}
A fragment is CONFIG_X=y lines; BPF_VERDICT_KERNEL_FRAGMENTS=a.config:b.config adds fragments too.

Specs: src:TREE builds TREE with kernel-config/ merged onto tinyconfig; src:TREE+a.patch+b.patch
applies the patches, in order, to a copy (the tree itself is never written). Builds are cached under
~/.cache/bpf-verdict/kernels/ by (tree contents, patches, config, toolchain); a new patch set reuses
the closest finished build, so a change to kernel/bpf/verifier.c rebuilds in minutes.

Examples:
  tree=$(bpf-verdict kernel fetch debian-source:6.12)
  bpf-verdict kernel build src:$tree
  bpf-verdict kernel build "src:$tree+test/fixtures/patches/keep-non-owning-refs-after-unlock.patch"
  bpf-verdict load --kernel src:~/bpf-next prog.bpf.o

Exit codes: 0 done, 2 usage, 3 the tree/patch/build/download failed (the compiler's error lines are shown).
`;

const progress = (m: string) => process.stderr.write(`${m}\n`);

const fetch = defineCommand({
  usage: USAGE.fetch,
  help: HELP,
  options: { json: { type: 'boolean' } },
  positionals: { max: 1 },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('kernel fetch wants one tree spec, e.g. debian-source:6.12');
    const { parseTreeSpec, fetchDebianSource } = await import('../../../vm/kernel-build-fetch.js');
    const spec = parseTreeSpec(positionals[0]!);
    const tree = await fetchDebianSource(spec.series, progress, spec.want);
    if (!tree.fetched) progress(`cached: ${tree.package} ${tree.version}`);
    process.stdout.write(values.json
      ? JSON.stringify({ path: tree.path, package: tree.package, version: tree.version, fetched: tree.fetched }) + '\n'
      : `${tree.path}\n`);
    return 0;
  },
});

const build = defineCommand({
  usage: USAGE.build,
  help: HELP,
  options: { ...KERNEL_BUILD_OPTIONS, json: { type: 'boolean' } },
  positionals: { max: 1 },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('kernel build wants one src: spec, e.g. src:~/linux+fix.patch');
    const { parseKernelSpec } = await import('../../../vm/kernel-spec.js');
    const spec = parseKernelSpec(positionals[0]!);
    if (spec.kind !== 'src') throw new UsageError(`kernel build builds src: specs, not '${positionals[0]}'`);
    const { buildSourceKernel } = await import('../../../vm/kernel-build.js');
    const img = await buildSourceKernel(spec, { ...kernelBuildSettings(values), onProgress: progress });
    process.stdout.write(values.json
      ? JSON.stringify({ spec: img.spec, bzImage: img.bzImage, release: img.release, id: img.id, built: img.built, buildSeconds: img.buildSeconds }) + '\n'
      : `${img.bzImage}\n`);
    return 0;
  },
});

const list = defineCommand({
  usage: USAGE.list,
  help: HELP,
  options: { json: { type: 'boolean' }, available: { type: 'boolean' } },
  positionals: { max: 0 },
  async run({ values }) {
    if (values.available) {
      const { availableKernels, formatAvailable } = await import('../../../vm/debian-kernel.js');
      const rows = await availableKernels(progress);
      process.stdout.write(values.json ? rows.map((r) => JSON.stringify(r) + '\n').join('') : formatAvailable(rows));
      return 0;
    }
    const { listCachedKernels, formatKernelList } = await import('../../../vm/kernel-build-list.js');
    const rows = await listCachedKernels();
    process.stdout.write(values.json ? rows.map((r) => JSON.stringify(r) + '\n').join('') : formatKernelList(rows));
    return 0;
  },
});

const prune = defineCommand({
  usage: USAGE.prune,
  help: HELP,
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { max: 0 },
  async run({ values }) {
    const { loadFragments, currentConfigHash } = await import('../../../vm/kernel-build.js');
    const { staleEntries, removeEntry } = await import('../../../vm/kernel-build-cache.js');
    for (const e of await staleEntries(await currentConfigHash(await loadFragments()))) {
      if (!values['dry-run']) await removeEntry(e);
      process.stdout.write(values.json
        ? JSON.stringify({ action: values['dry-run'] ? 'would-remove' : 'removed', dir: e.dir, spec: e.spec }) + '\n'
        : `${values['dry-run'] ? 'would remove' : 'removed'} ${e.dir} (${e.spec})\n`);
    }
    return 0;
  },
});

export const command: CommandGroup = {
  usage: 'bpf-verdict kernel fetch|build|list|prune [options]',
  help: HELP,
  subcommands: { fetch, build, list, prune },
};
