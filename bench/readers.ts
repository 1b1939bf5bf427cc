// Reader figures: objects / programs / instructions per second through readObject (ELF + BTF +
// BTF.ext + libbpf-style relocation + decode), and kernel-log lines per second through formatInsn.
//   node dist/bench/readers.js [--btf /sys/kernel/btf/vmlinux] [OBJ.o ...]
// Without objects it compiles the reader fixtures (test/fixtures/readers/*.c) with clang-19.
// --btf also times parseBtf on a large raw BTF file (a kernel's vmlinux BTF).
// One core (Node runs this on one thread). Figures on stdout, progress on stderr.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { formatInsn } from '../src/bpf/format.js';
import { parseBtf } from '../src/btf/parse.js';
import { readObject } from '../src/object/read.js';
import { compileFixture } from '../test/fixtures/readers/compile.js';

const argv = process.argv.slice(2);
const btfAt = argv.indexOf('--btf');
const btfPath = btfAt >= 0 ? argv.splice(btfAt, 2)[1] : undefined;
const args = argv;
const inputs: { path: string; bytes: Uint8Array }[] = args.length
  ? args.map((path) => ({ path, bytes: new Uint8Array(readFileSync(path)) }))
  : await Promise.all([['graph', 'v3'], ['btf_kinds', 'v3'], ['isa', 'v4'], ['fmt', 'v4']].map(([n, c]) => compileFixture(n!, c as 'v3' | 'v4')));
process.stderr.write(`  ${inputs.length} objects, ${(inputs.reduce((s, i) => s + i.bytes.length, 0) / 1024).toFixed(0)} KiB\n`);

/** Run `fn` repeatedly for about `ms` milliseconds (after a warm-up); return rounds per second. */
function rate(fn: () => void, ms = 2000): { rounds: number; perSec: number } {
  for (let i = 0; i < 20; i++) fn();
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) { fn(); rounds++; }
  return { rounds, perSec: rounds / ((performance.now() - t0) / 1000) };
}

const objects = inputs.map((i) => readObject(i.bytes, i.path));
const programs = objects.reduce((s, o) => s + o.programs.length, 0);
const insns = objects.reduce((s, o) => s + o.programs.reduce((a, p) => a + p.insns.length, 0), 0);
console.log(`machine: ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, node ${process.version}; one thread`);
console.log(`input: ${inputs.length} objects, ${programs} programs, ${insns} instructions (after subprogram appending)`);

const read = rate(() => { for (const i of inputs) readObject(i.bytes, i.path); });
const fmt = rate(() => { for (const o of objects) for (const p of o.programs) p.insns.forEach((x, k) => formatInsn(x, k)); });
const f = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`readObject: ${f(read.perSec * inputs.length)} objects/s, ${f(read.perSec * programs)} programs/s, ${f(read.perSec * insns)} instructions/s`);
console.log(`formatInsn: ${f(fmt.perSec * insns)} lines/s`);

if (btfPath) {
  const raw = new Uint8Array(readFileSync(btfPath));
  const t0 = performance.now();
  const btf = parseBtf(raw, btfPath);
  const ms = performance.now() - t0;
  console.log(`parseBtf ${btfPath}: ${f(btf.count - 1)} types (${(raw.length / 1048576).toFixed(1)} MiB) in ${ms.toFixed(0)} ms`);
}
