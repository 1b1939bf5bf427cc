// bpf-verdict's loader beside the kernel's own veristat, on the same objects in the same guest, one
// after the other: veristat (tools/testing/selftests/bpf/veristat.c of the newest tree at hand, built
// statically against that tree's libbpf: vm/veristat-build.ts) plain (statistics only, log level 4)
// and with -v (the whole level-1 log of every program, as bpf-verdict needs it), and bpf-verdict's
// loader as `load`/`run` use it (whole log for every program, the kernel line's own libbpf), one
// object at a time and two in flight. Two sets: the corpus (programs/) and the kernel's 6.12 graph
// selftests (linked_list*, rbtree*, refcounted_kptr*, local_kptr_stash* of linux-source-6.12).
// veristat's time is its own wall time on the guest's clock (objects already in the guest);
// bpf-verdict's is the host's wall time for the loads (objects sent, results read back): the
// comparison leans towards veristat. Checks that both see the same verdicts, error lines and logs.
//   node dist/bench/veristat.js [--kernel debian:6.12] [--tools auto|debian|TREE] [--veristat-tree TREE]
//                               [--runs 3] [--set corpus,selftests] [--cpus 2] [--memory 2048]
// Figures on stdout; progress on stderr.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildObjects } from '../src/build/build.js';
import { discoverCorpus } from '../src/run/corpus.js';
import { corpusForKernel } from '../src/run/corpus.js';
import { findConfig, loadConfig } from '../src/config/index.js';
import { isLibbpfPoison, readVerifierLog } from '../src/shared/verifier-log.js';
import type { KernelResult } from '../src/shared/verdict.js';
import { vmlinuxHeaderFor } from '../vm/btf.js';
import { fetchDebianSource } from '../vm/kernel-build-fetch.js';
import { DEFAULT_KERNEL } from '../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../vm/tools.js';
import { buildVeristat } from '../vm/veristat-build.js';
import { parseVeristatCsv, parseVeristatVerbose, type VeristatVerbose } from '../vm/veristat-output.js';
import { GuestVm } from '../vm/vm.js';

const { values } = parseArgs({ options: {
  kernel: { type: 'string' }, tools: { type: 'string' }, 'veristat-tree': { type: 'string' }, runs: { type: 'string' },
  set: { type: 'string' }, cpus: { type: 'string' }, memory: { type: 'string' },
} });
const progress = (m: string) => process.stderr.write(`${m}\n`);
const runs = Number(values.runs ?? 3);
const sets = (values.set ?? 'corpus,selftests').split(',');
const SELFTEST_FILES = /^(linked_list|rbtree|refcounted_kptr|local_kptr_stash).*\.c$/;
const EXEC_TIMEOUT_MS = 30 * 60_000;

const kernel = await resolveKernelWithTools(values.kernel ?? DEFAULT_KERNEL, parseToolsChoice(values.tools), progress);
const veristatTree = values['veristat-tree'] ?? (await fetchDebianSource('7.3', progress)).path;
const veristat = await buildVeristat(veristatTree, progress);
const header = await vmlinuxHeaderFor(kernel, { onProgress: progress });
const includes = kernel.tools?.includeDir ? [kernel.tools.includeDir] : [];

interface Obj { name: string; path: string; bytes: Uint8Array }

async function compile(sources: string[], includeDirs: string[]): Promise<Obj[]> {
  const built = await buildObjects(sources, { vmlinuxHeader: header, includeDirs: [...includeDirs, ...includes], cflags: [] });
  const failed = built.filter((b) => !b.ok).map((b) => basename(b.source));
  if (failed.length) progress(`left out (do not compile here): ${failed.join(', ')}`);
  // veristat prints base names: keep them unique and readable.
  return built.flatMap((b, i) => b.ok ? [{ name: `${String(i).padStart(3, '0')}-${basename(b.source).replace(/\.c$/, '.o')}`, path: b.object, bytes: new Uint8Array(readFileSync(b.object)) }] : []);
}

async function corpusSet(): Promise<Obj[]> {
  const cfg = loadConfig(findConfig(undefined));
  const whole = discoverCorpus(cfg.corpus, cfg.include, cfg.exclude);
  const { corpus } = corpusForKernel(whole, cfg.kernelOnly, kernel.version);
  return compile(corpus.sources, cfg.build.includeDirs);
}

async function selftestSet(): Promise<Obj[]> {
  const tree = (await fetchDebianSource('6.12', progress)).path;
  const dir = join(tree, 'tools/testing/selftests/bpf');
  const files = readdirSync(join(dir, 'progs')).filter((f) => SELFTEST_FILES.test(f)).sort().map((f) => join(dir, 'progs', f));
  return compile(files, [join(dir, 'progs'), dir]);
}

/** bpf-verdict's loader over the objects, `inflight` at a time; host wall time. */
async function loader(vm: GuestVm, objs: Obj[], inflight: number): Promise<{ ms: number; results: Map<string, KernelResult> }> {
  const t0 = performance.now();
  const results = new Map<string, KernelResult>();
  let next = 0;
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (next < objs.length) {
      const o = objs[next++]!;
      for (const r of await vm.loadObject(o.bytes, { object: o.name })) results.set(`${o.name}/${r.program}`, r);
    }
  }));
  return { ms: performance.now() - t0, results };
}

async function runVeristat(vm: GuestVm, objs: Obj[], verbose: boolean): Promise<{ ms: number; programs: number; blocks: VeristatVerbose[]; failures: number }> {
  const files = [{ name: 'veristat', bytes: new Uint8Array(readFileSync(veristat.path)), mode: 0o755 }, ...objs.map((o) => ({ name: o.name, bytes: o.bytes }))];
  const r = await vm.exec(['./veristat', ...(verbose ? ['-v'] : []), '-o', 'csv', ...objs.map((o) => o.name)], files, EXEC_TIMEOUT_MS);
  if (r.exitCode !== 0) throw new Error(`veristat exited ${r.exitCode ?? r.signal}: ${r.stderr.split('\n').slice(-5).join('\n')}`);
  const rows = parseVeristatCsv(r.stdout);
  return { ms: r.ms, programs: rows.length, blocks: verbose ? parseVeristatVerbose(r.stdout) : [], failures: rows.filter((x) => x.verdict === 'failure').length };
}

/** The log without the clock and kernel addresses (maps' addresses): they differ between any two loads. */
const timeless = (log: string) => log.replace(/^verification time \d+ usec$/m, 'verification time N usec').replace(/0xff[0-9a-f]{14}\b/g, '0xKADDR');

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((l, k) => l !== y[k]);
  const at = i < 0 ? x.length : i;
  return ` from line ${at + 1}: veristat ${JSON.stringify(x[at] ?? '(end)')}, bpf-verdict ${JSON.stringify(y[at] ?? '(end)')}`;
}

/**
 * libbpf poisons an instruction whose CO-RE relocation failed (a call to 0xbad2310 = 195896080) and,
 * when it owns the log buffer (bpf_object__load, plain loads), rewrites the kernel's two lines about
 * it ("N: (85) call unknown#195896080", "invalid func unknown#195896080") into its own
 * ("N: <invalid CO-RE relocation>", "failed to resolve CO-RE relocation ..."); veristat's
 * bpf_program__clone leaves the kernel's. Logs are compared without those lines.
 */
const POISON_LINE = /^\d+: \(85\) call unknown#195896080$/m;
const withoutPoison = (log: string) => log.split('\n').filter((l) =>
  !/^\d+: \(85\) call unknown#195896080$|^invalid func unknown#195896080$|^\d+: <invalid CO-RE relocation>$|^failed to resolve CO-RE relocation /.test(l)).join('\n');

function compare(ours: Map<string, KernelResult>, blocks: VeristatVerbose[]): string[] {
  const diffs: string[] = [];
  for (const b of blocks) {
    const key = `${b.path}/${b.program}`;
    const r = ours.get(key);
    if (!r) { diffs.push(`${key}: veristat loaded it, bpf-verdict did not`); continue; }
    // A refusal before the verifier ran (no log: e.g. a sleepable program whose attach target is
    // missing) is bpf-verdict's loader-error and veristat's failure.
    const theirs = b.verdict === 'success' ? 'accept' : timeless(b.log).trim() === '' ? 'loader-error' : 'reject';
    if (r.verdict !== theirs) diffs.push(`${key}: bpf-verdict ${r.verdict}, veristat ${b.verdict}`);
    else if (timeless(withoutPoison(b.log)) !== timeless(withoutPoison(r.log))) diffs.push(`${key}: the whole verifier log differs${firstDifference(timeless(b.log), timeless(r.log))}`);
    // Same log: the message is the log's error line, or libbpf's own where the kernel refused libbpf's
    // poisoned stand-in for a CO-RE relocation it could not resolve (veristat prints no libbpf lines).
    else if (r.verdict === 'reject' && !isLibbpfPoison(r.log) && !POISON_LINE.test(b.log) && (readVerifierLog(b.log).errorLine ?? null) !== (r.message ?? null)) {
      diffs.push(`${key}: message '${r.message}' vs veristat's '${readVerifierLog(b.log).errorLine}'`);
    }
  }
  const seen = new Set(blocks.map((b) => `${b.path}/${b.program}`));
  for (const k of ours.keys()) if (!seen.has(k) && !k.endsWith('/(object)')) diffs.push(`${k}: bpf-verdict loaded it, veristat did not`);
  return diffs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const objectSets: [string, Obj[]][] = [];
if (sets.includes('corpus')) objectSets.push(['corpus (programs/)', await corpusSet()]);
if (sets.includes('selftests')) objectSets.push(['6.12 graph selftests', await selftestSet()]);

const vm = await GuestVm.boot({ kernel, cpus: Number(values.cpus ?? 2), memoryMb: Number(values.memory ?? 2048), testHooks: true, onProgress: (m) => progress(`  ${m}`) });
try {
  console.log(`kernel ${kernel.id} (${vm.release}), ${vm.accel}, guest ${values.cpus ?? 2} vCPUs ${values.memory ?? 2048} MiB; host ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`);
  console.log(`veristat of ${veristat.treeLabel} (libbpf ${veristat.libbpfVersion}); bpf-verdict's loader with ${kernel.tools?.libbpf ?? 'the host libbpf'}`);
  console.log(`load average before: ${load()}`);
  for (const [label, objs] of objectSets) {
    if (!objs.length) {
      console.log(`\n${label}: none compiles against this kernel's vmlinux.h; left out`);
      continue;
    }
    progress(`${label}: ${objs.length} objects; warming up`);
    await loader(vm, objs.slice(0, 2), 1);
    await runVeristat(vm, objs.slice(0, 2), false);
    const t: Record<'plain' | 'verbose' | 'one' | 'two', number[]> = { plain: [], verbose: [], one: [], two: [] };
    let programs = 0;
    let diffs: string[] = [];
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      progress(`${label}: run ${i + 1} of ${runs} (load ${load()})`);
      const plain = await runVeristat(vm, objs, false);
      const verbose = await runVeristat(vm, objs, true);
      const one = await loader(vm, objs, 1);
      const two = await loader(vm, objs, 2);
      programs = verbose.programs;
      failures = verbose.failures;
      diffs = compare(two.results, verbose.blocks);
      t.plain.push(plain.programs / (plain.ms / 1000));
      t.verbose.push(verbose.programs / (verbose.ms / 1000));
      t.one.push(one.results.size / (one.ms / 1000));
      t.two.push(two.results.size / (two.ms / 1000));
    }
    const f = (xs: number[]) => `${median(xs).toFixed(1).padStart(6)} programs/s (median of ${xs.length}: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
    console.log(`\n${label}: ${objs.length} objects, ${programs} programs (${failures} refused)`);
    console.log(`  veristat (stats only):                  ${f(t.plain)}`);
    console.log(`  veristat -v (whole log):                ${f(t.verbose)}`);
    console.log(`  bpf-verdict loader, 1 object at a time: ${f(t.one)}`);
    console.log(`  bpf-verdict loader, 2 objects in flight:${f(t.two)}`);
    const best = Math.max(median(t.one), median(t.two));
    console.log(`  bpf-verdict (best) vs veristat -v: ${(best / median(t.verbose)).toFixed(2)}x; vs veristat: ${(best / median(t.plain)).toFixed(2)}x`);
    console.log(`  1 object at a time vs veristat -v: ${(median(t.one) / median(t.verbose)).toFixed(2)}x; vs veristat: ${(median(t.one) / median(t.plain)).toFixed(2)}x`);
    console.log(`  same verdicts, error lines and whole logs as veristat -v: ${diffs.length ? `NO, ${diffs.length} differ:\n    ${diffs.slice(0, 12).join('\n    ')}` : 'yes'}`);
  }
  console.log(`\nload average after: ${load()}`);
} finally {
  await vm.shutdown();
}
