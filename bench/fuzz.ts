// Fuzz throughput: generated programs per second end to end (generate, render, clang, load in the
// guest, model, compare), on one kernel with its guest already booted (the boot is printed apart:
// a campaign pays it once). Shrinking is off by default so the figure is the campaign's steady
// pace, not the time spent on findings; --shrink counts it in.
//   node dist/bench/fuzz.js [--kernel debian:6.12] [--count 256] [--per-object 32] [--seed 1] [--tools auto|TREE] [--shrink]
// Figures on stdout; progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from '../src/fuzz/campaign.js';
import { openTarget } from '../src/fuzz/target.js';
import { generate } from '../src/fuzz/gen/index.js';
import { renderObject } from '../src/fuzz/render.js';
import { realAnalysisBackend, realKernelBackend } from '../src/run/real.js';

const { values: v } = parseArgs({ options: {
  kernel: { type: 'string' }, count: { type: 'string' }, 'per-object': { type: 'string' }, seed: { type: 'string' },
  tools: { type: 'string' }, shrink: { type: 'boolean' },
} });
const spec = v.kernel ?? 'debian:6.12';
const count = Number(v.count ?? 256);
const perObject = Number(v['per-object'] ?? 32);
const seed = Number(v.seed ?? 1);
const progress = (m: string) => process.stderr.write(`${m}\n`);
const scratch = mkdtempSync(join(tmpdir(), 'bench-fuzz-'));

const t0 = performance.now();
const target = await openTarget({ kernel: realKernelBackend, analysis: realAnalysisBackend }, {
  spec, memoryMb: 1024, cpus: 1, bootTimeoutSec: 300, loadTimeoutSec: 300, tools: v.tools, dir: scratch, render: renderObject, onProgress: progress,
});
// Boot (and warm clang's cache of the header) with one program, outside the figure.
await target.check(generate({ seed: seed + 1, line: target.profile.name, count: 1 }), generate({ seed: seed + 1, line: target.profile.name, count: 1 }).programs);
const ready = performance.now() - t0;
const before = { ...target.ms };
const r = await runCampaign({ open: async () => target, generate, render: renderObject },
  { kernels: [spec], seed, count, perObject, out: join(scratch, 'findings'), shrink: !!v.shrink, onProgress: progress });
rmSync(scratch, { recursive: true, force: true });
const k = r.kernels[0]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`fuzz bench: ${spec} (${k.release ?? '?'}), libbpf ${target.kernel.tools?.libbpf ?? 'host'}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
console.log(`  resolve + boot + first program: ${s(ready)} (paid once per campaign)`);
console.log(`  ${r.programs} programs, ${perObject} per object, seed ${seed}, shrinking ${v.shrink ? 'on' : 'off'}: ${s(r.durationMs)} -> ${r.programsPerSecond} programs/s end to end`);
console.log(`  time in clang ${s(k.ms.compile - before.compile)}, guest loads ${s(k.ms.load - before.load)}, model ${s(k.ms.model - before.model)} (clang overlaps the loads); the verifier's own time ${s(k.ms.verify - before.verify)}`);
console.log(`  kernel accepted ${k.stats.kernelAccepts}, rejected ${k.stats.kernelRejects}, compile errors ${k.stats.compileErrors}; model unsupported ${k.stats.modelUnsupported}; findings ${r.findings.length}`);
