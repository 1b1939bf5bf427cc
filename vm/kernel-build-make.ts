// Thin adapter over kbuild: configure (tinyconfig + fragments), build bzImage, with progress on
// stderr and the whole output in a log file that outlives a failed build's directory.
import { availableParallelism } from 'node:os';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { BUILD_SUBDIR } from './kernel-build-cache.js';
import { absentOptions, buildErrorLines, buildStep, unmetOptions, type Fragment, type UnmetOption } from './kernel-build-key.js';
import { treeKconfigSymbols } from './kernel-build-tree.js';
import { KernelBuildError } from './kernel-build-errors.js';

export type Progress = (line: string) => void;

export interface MakeOptions {
  jobs?: number;
  progress: Progress;
  logFile: string;
}

/** The toolchain's identity, part of the config key: a compiler upgrade is a different kernel. */
export async function toolchain(): Promise<string[]> {
  const first = async (cmd: string, args: string[]) => {
    try { return (await execa(cmd, args)).stdout.split('\n')[0]!; } catch { return `${cmd}: missing`; }
  };
  return [await first('gcc', ['--version']), await first('ld', ['--version']), `pahole ${await first('pahole', ['--version'])}`];
}

export interface ConfigureResult {
  /** Options the tree defines that did not stick (an unmet dependency): a warning. */
  unmet: UnmetOption[];
  /** Options the tree does not define (another kernel line's name): skipped, recorded. */
  absent: { option: string; fragment: string }[];
}

/** `make tinyconfig`, merge the fragments, `make olddefconfig`; says which options did not stick. */
export async function configure(src: string, fragments: { path: string; fragment: Fragment }[], opts: MakeOptions): Promise<ConfigureResult> {
  opts.progress('configuring: tinyconfig + ' + fragments.map((f) => f.fragment.name).join(' + '));
  await run(src, ['make', `O=${BUILD_SUBDIR}`, 'tinyconfig'], opts, 'config');
  await run(src, ['scripts/kconfig/merge_config.sh', '-m', '-O', BUILD_SUBDIR, join(BUILD_SUBDIR, '.config'),
    ...fragments.map((f) => f.path)], opts, 'config');
  await run(src, ['make', `O=${BUILD_SUBDIR}`, 'olddefconfig'], opts, 'config');
  const final = await readFile(join(src, BUILD_SUBDIR, '.config'), 'utf8');
  const known = await treeKconfigSymbols(src);
  const frags = fragments.map((f) => f.fragment);
  return { unmet: unmetOptions(frags, final, known), absent: absentOptions(frags, known) };
}

/** `make bzImage`; progress every few seconds; compiler error lines in the error when it fails. Returns the release (uname -r). */
export async function makeBzImage(src: string, opts: MakeOptions): Promise<string> {
  const jobs = opts.jobs ?? availableParallelism();
  let steps = 0;
  let last = '';
  const started = Date.now();
  const tick = setInterval(() => {
    opts.progress(`building: ${steps} steps, ${Math.round((Date.now() - started) / 1000)} s${last ? `, ${last}` : ''}`);
  }, 15_000);
  try {
    await run(src, ['make', `O=${BUILD_SUBDIR}`, `-j${jobs}`, 'bzImage'], opts, 'make', (line) => {
      const step = buildStep(line);
      // Host tools (objtool, resolve_btfids) print absolute paths: show them relative to the build dir.
      if (step) { steps++; last = step.replace(`${join(src, BUILD_SUBDIR)}/`, ''); }
    });
  } finally {
    clearInterval(tick);
  }
  const release = (await readFile(join(src, BUILD_SUBDIR, 'include/config/kernel.release'), 'utf8')).trim();
  opts.progress(`built ${release} in ${Math.round((Date.now() - started) / 1000)} s (${steps} steps)`);
  return release;
}

async function run(cwd: string, argv: string[], opts: MakeOptions, stage: 'config' | 'make', onLine?: (l: string) => void): Promise<void> {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`$ ${argv.join(' ')}\n`);
  // KBUILD_BUILD_TIMESTAMP/USER/HOST fixed: the same inputs give the same uname -v, and no
  // rebuild of init/version.o is caused by the clock.
  const child = execa(argv[0]!, argv.slice(1), {
    cwd, reject: false, all: true, buffer: { all: false }, stdin: 'ignore',
    env: { KBUILD_BUILD_TIMESTAMP: '1970-01-01', KBUILD_BUILD_USER: 'bpf-verdict', KBUILD_BUILD_HOST: 'cache', LC_ALL: 'C' },
  });
  const tail: string[] = [];
  let pending = '';
  child.all!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const text = pending + chunk.toString();
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      onLine?.(l);
      tail.push(l);
      if (tail.length > 4000) tail.splice(0, tail.length - 2000);
    }
  });
  let result;
  try {
    result = await child;
  } finally {
    await new Promise<void>((r) => log.end(r));
  }
  if (pending) tail.push(pending);
  if (result.failed) {
    const what = argv.join(' ');
    const missing = (result as { code?: string }).code === 'ENOENT';
    throw new KernelBuildError(stage, `${what} failed in ${cwd}${result.exitCode !== undefined ? ` (exit ${result.exitCode})` : ''}`,
      missing ? [] : evidence(tail),
      missing ? `${argv[0]} is not installed: run scripts/setup.sh (make, gcc, flex, bison, bc, libssl-dev, libelf-dev, dwarves)` :
        stage === 'make' ? 'fix the error above in the tree or the patch; nothing was cached' : 'check the fragments in kernel-config/ and your own',
      opts.logFile);
  }
}

/** The error lines, or the last lines when none look like an error (a killed make, a script failing). */
function evidence(tail: string[]): string[] {
  const errors = buildErrorLines(tail.join('\n'));
  return errors.length ? errors : tail.filter(Boolean).slice(-15);
}
