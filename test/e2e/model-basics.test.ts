// Model == kernel on programs/basics: the same clang-19 objects loaded in Debian's 6.12 kernel
// (QEMU, real libbpf) and walked by the reference model. For every program the verdicts agree;
// for rejections the model's message is a line of the kernel's log and the model's instruction
// index is the last instruction the kernel printed (when it printed one). Programs declared __model_differs must be
// `unsupported` in the model (never a guess) and are listed, not compared.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';
import { readObject } from '../../src/object/read.js';
import { parseExpectation } from '../../src/expect/index.js';
import { modelObject } from '../../src/model/index.js';
import { BASICS_FILES, compileBasics } from '../model/compile.js';

const kernel = await resolveKernel('debian:6.12');
const vm = await GuestVm.boot({ kernel });
t.teardown(() => vm.shutdown());

/** The index of the last instruction line ("12: (85) call ...") in a verifier log. */
function lastInsn(log: string): number | null {
  const all = [...log.matchAll(/^(\d+): \([0-9a-f]{2}\)/gm)];
  return all.length ? Number(all[all.length - 1]![1]) : null;
}

for (const file of BASICS_FILES) {
  t.test(`programs/basics/${file}.c: model == kernel 6.12`, async (t) => {
    const path = await compileBasics(file);
    const bytes = await readFile(path);
    const obj = readObject(new Uint8Array(bytes), path);
    const kernelResults = await vm.loadObject(bytes, { object: path });
    const model = new Map(modelObject(obj).map((r) => [r.program, r]));
    t.equal(kernelResults.length, obj.programs.length, 'the kernel saw every program');
    for (const k of kernelResults) {
      const m = model.get(k.program)!;
      const declared = parseExpectation(obj.programs.find((p) => p.name === k.program)!.declTags);
      if (declared.modelDiffers) {
        t.equal(m.verdict, 'unsupported', `${k.program}: model says unsupported (${declared.modelDiffers}); kernel: ${k.verdict}`);
        continue;
      }
      t.equal(m.verdict, k.verdict, `${k.program}: verdict (kernel: ${k.message ?? 'accepted'})`);
      if (k.verdict === 'reject' && m.verdict === 'reject') {
        const lines = k.log.split('\n');
        t.ok(lines.includes(m.message!), `${k.program}: model message is a kernel log line: ${m.message}`);
        const at = lines.indexOf(m.message!);
        const before = m.messageLines!.slice(0, -1);
        t.same(lines.slice(at - before.length, at), before, `${k.program}: the lines before it too`);
        // checks before the walk (check_cfg...) print no instruction; the walk's rejections do
        const kInsn = lastInsn(k.log);
        if (kInsn !== null) t.equal(m.insn, kInsn, `${k.program}: same instruction index`);
      }
    }
  });
}
