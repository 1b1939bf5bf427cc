// Load figures: programs loaded per second in one booted VM, over real programs (the
// corpus in programs/, compiled with clang-19 against the kernel's own vmlinux.h), with
// our batched strategy and with a naive one-load-per-program loop, plus how much of the
// wall time the verifier itself reports (sum of "verification time").
// With an addon that prepares once (libbpf 1.8's bpf_object__prepare + bpf_program__clone, or an
// older libbpf's kept requests: docs/libbpf.md), also the plain bpf_object__load batches beside it.
//   node dist/bench/load.js [--kernel debian:6.12] [--tools auto|debian|TREE] [OBJ.o ...]
// Figures on stdout; progress on stderr.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DEFAULT_KERNEL } from '../vm/kernel.js';
import { parseToolsChoice, resolveKernelWithTools } from '../vm/tools.js';
import { withVm, type GuestVm } from '../vm/vm.js';
import { vmlinuxHeaderFor } from '../vm/btf.js';
import type { KernelResult } from '../src/shared/verdict.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kernel: { type: 'string' }, tools: { type: 'string' } } });
const progress = (m: string) => process.stderr.write(`${m}\n`);
const kernel = await resolveKernelWithTools(values.kernel ?? DEFAULT_KERNEL, parseToolsChoice(values.tools), progress);

async function corpusObjects(vmlinuxH: string): Promise<string[]> {
  const root = join(process.cwd(), 'programs');
  const out = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const objs: string[] = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    // basics/ is built against UAPI headers, not vmlinux.h; include/ holds headers.
    if (!d.isDirectory() || ['include', 'build', 'basics'].includes(d.name)) continue;
    for (const f of readdirSync(join(root, d.name)).filter((x) => x.endsWith('.c'))) {
      const obj = join(out, `${d.name}-${f.replace(/\.c$/, '.o')}`);
      const r = await execa('clang-19', ['-target', 'bpf', '-g', '-O2', '-mcpu=v3', `-I${dirname(vmlinuxH)}`, `-I${join(root, 'include')}`,
        ...(kernel.tools?.includeDir ? [`-I${kernel.tools.includeDir}`] : []),
        '-c', join(root, d.name, f), '-o', obj], { reject: false });
      if (r.exitCode === 0) objs.push(obj);
      else progress(`skipping ${d.name}/${f}: clang failed`);
    }
  }
  return objs;
}

/** `inflight` objects at a time (the load CLI keeps 2: the agent loads one per vCPU); 1 = one after another. */
async function batchedPass(vm: GuestVm, objs: { path: string; bytes: Uint8Array }[], inflight: number, strategy?: 'object-load'): Promise<{ ms: number; results: KernelResult[] }> {
  const t0 = performance.now();
  const out: KernelResult[][] = [];
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      const i = next++;
      out[i] = await vm.loadObject(objs[i]!.bytes, { object: objs[i]!.path, strategy });
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return { ms: performance.now() - t0, results: out.flat() };
}

/** Naive: one libbpf open+load per program (what a simple loop over programs does). */
async function perProgramPass(vm: GuestVm, objs: { path: string; bytes: Uint8Array }[], names: Map<string, string[]>): Promise<{ ms: number; results: KernelResult[] }> {
  const t0 = performance.now();
  const results: KernelResult[] = [];
  for (const o of objs) {
    for (const p of names.get(o.path) ?? []) results.push(...(await vm.loadObject(o.bytes, { object: o.path, programs: [p] })));
  }
  return { ms: performance.now() - t0, results };
}

await withVm(kernel, { onProgress: progress }, async (vm) => {
  const header = await vmlinuxHeaderFor(kernel, { vm });
  const paths = positionals.length ? positionals : await corpusObjects(header);
  const objs = paths.map((p) => ({ path: p, bytes: new Uint8Array(readFileSync(p)) }));
  progress(`${objs.length} objects; warming up`);
  await batchedPass(vm, objs.slice(0, 2), 1);
  const batched = await batchedPass(vm, objs, 1);
  const names = new Map<string, string[]>();
  for (const r of batched.results) if (r.program !== '(object)') names.set(r.object, [...(names.get(r.object) ?? []), r.program]);
  const naive = await perProgramPass(vm, objs, names);
  const parallel = await batchedPass(vm, objs, 2);
  const prepared = vm.libbpfFeatures.includes('verify_programs');
  const plain = prepared ? await batchedPass(vm, objs, 1, 'object-load') : null;
  const disagree = naive.results.filter((r) => batched.results.find((b) => b.object === r.object && b.program === r.program)?.verdict !== r.verdict);
  if (disagree.length) process.stderr.write(`WARNING: ${disagree.length} verdicts differ between batched and per-program loads: ${disagree.map((d) => d.program).join(', ')}\n`);
  const n = batched.results.length;
  const count = (v: string) => batched.results.filter((r) => r.verdict === v).length;
  const verifyMs = batched.results.reduce((s, r) => s + (r.stats?.verificationUs ?? 0), 0) / 1000;
  const rate = (ms: number, k: number) => `${(k / (ms / 1000)).toFixed(1)} programs/s (${(ms / k).toFixed(1)} ms per program)`;
  process.stdout.write(`kernel ${kernel.id} (${vm.release}), ${vm.accel}, host ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}\n`);
  process.stdout.write(`${objs.length} objects, ${n} programs: ${count('accept')} accept, ${count('reject')} reject, ${count('loader-error')} loader-error\n`);
  process.stdout.write(`loaded by ${kernel.tools?.libbpf ?? 'the host libbpf'}\n`);
  process.stdout.write(`${prepared ? 'prepared once + per program (bpf-verdict)' : 'batched (bpf-verdict)'}: ${rate(batched.ms, n)}\n`);
  if (plain) process.stdout.write(`plain bpf_object__load batches:   ${rate(plain.ms, plain.results.length)}\n`);
  process.stdout.write(`batched, 2 objects in flight: ${rate(parallel.ms, parallel.results.length)}\n`);
  process.stdout.write(`one load per program:       ${rate(naive.ms, naive.results.length)} \n`);
  process.stdout.write(`in-kernel verification:     ${verifyMs.toFixed(1)} ms = ${((verifyMs / batched.ms) * 100).toFixed(1)}% of the batched wall time\n`);
});
