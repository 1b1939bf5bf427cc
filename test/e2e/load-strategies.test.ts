// End to end on Linux 7.3.4 with its own libbpf 1.8 and on Linux 6.12 with its own libbpf 1.5:
// loading the way the newest veristat does (prepare the object once, verify each program alone,
// statistics-only logging for accepted programs, the whole log only for refusals) gives, for every
// corpus program, exactly what batches of plain bpf_object__load with the whole log give: verdict,
// errno, message, the whole verifier log and its statistics (all but the verification time, which
// is a clock reading). 1.8 prepares with bpf_object__prepare and verifies with bpf_program__clone;
// 1.5 has neither, so the addon keeps each BPF_PROG_LOAD request of one bpf_object__load and sends
// each alone (harness/native/src/prog_load_capture.h).
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GuestVm } from '../../vm/vm.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { DEFAULT_KERNEL } from '../../vm/kernel-spec.js';
import { parseToolsChoice, resolveKernelWithTools } from '../../vm/tools.js';
import { buildObjects } from '../../src/build/build.js';
import { corpusForKernel, discoverCorpus } from '../../src/run/corpus.js';
import { loadConfig, runOptionsFrom } from '../../src/config/index.js';
import type { KernelResult } from '../../src/shared/verdict.js';
import { KERNEL_73, TOOLS_73 } from './kernel-73.js';

const progress = (m: string) => t.comment(m);

/**
 * Everything a result says, but what differs between any two loads of the same object: the clock
 * ("verification time N usec", stats.verificationUs) and the kernel addresses of the maps each
 * load creates (ld_imm64 of a map, "r1 = 0xff11000005c27330").
 */
const comparable = (r: KernelResult) => ({
  program: r.program, verdict: r.verdict, errno: r.errno, message: r.message,
  log: r.log.replace(/^verification time \d+ usec$/m, 'verification time N usec').replace(/0xff[0-9a-f]{14}\b/g, '0xffADDRESS'),
  stats: { ...r.stats, verificationUs: undefined },
});

const lines = [
  { spec: KERNEL_73, tools: TOOLS_73, features: ['bpf_object__prepare', 'bpf_program__clone', 'verify_programs'], how: 'bpf_object__prepare + bpf_program__clone' },
  { spec: DEFAULT_KERNEL, tools: 'auto', features: ['prog_load_capture', 'verify_programs'], how: 'one bpf_object__load with each request kept, then sent alone' },
];

for (const line of lines) {
  t.test(`${line.spec}: prepare once + verify each program (${line.how}) = plain loads with the whole log, on every corpus program`, async (t) => {
    const kernel = await resolveKernelWithTools(line.spec, parseToolsChoice(line.tools), progress);
    const vm = await GuestVm.boot({ kernel, cpus: 2, onProgress: progress });
    t.teardown(() => vm.shutdown());
    const header = await vmlinuxHeaderFor(kernel, { vm });
    // The corpus as `run` takes it on this kernel (bpf-verdict.yaml's kernelOnly keeps 7.3-only files off 6.12).
    const opts = runOptionsFrom(loadConfig('bpf-verdict.yaml'));
    const sources = corpusForKernel(discoverCorpus(['programs'], opts.include ?? [], opts.exclude ?? []), opts.kernelOnly ?? [], kernel.version).corpus.sources;
    const built = await buildObjects(sources, { vmlinuxHeader: header, includeDirs: ['programs/include', kernel.tools!.includeDir!], cflags: [] });

    t.same(vm.libbpfFeatures, line.features, `the guest's libbpf (${kernel.tools!.libbpf}) has the prepare-once path`);
    const objects = built.flatMap((b) => (b.ok ? [{ source: b.source, file: b.object }] : []));
    t.equal(objects.length, sources.length, `every corpus file compiles against the kernel's vmlinux.h (${built.filter((b) => !b.ok).map((b) => b.source).join(', ')})`);
    let programs = 0;
    let accepted = 0;
    for (const o of objects) {
      const bytes = await readFile(o.file);
      const object = join('programs', o.source.split('/programs/')[1] ?? o.source);
      const fast = await vm.loadObject(bytes, { object });
      const plain = await vm.loadObject(bytes, { object, strategy: 'object-load' });
      t.same(fast.map(comparable), plain.map(comparable), object);
      programs += fast.length;
      accepted += fast.filter((r) => r.verdict === 'accept').length;
    }
    t.comment(`${programs} programs (${accepted} accepted) in ${objects.length} objects: identical results both ways`);
    t.ok(accepted > 0 && accepted < programs, 'both verdicts are among them');
  });
}
