// Model == kernel, rule to rule, on the focused graph programs (test/fixtures/graph/g_*.c): the
// same clang-19 objects loaded in Debian's 6.12 kernel (QEMU, real libbpf) and walked by the
// model. Verdicts agree; for rejections the classified kernel rule, instruction and message equal
// the model's.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { resolveKernel } from '../../vm/kernel.js';
import { GuestVm } from '../../vm/vm.js';
import { readObject } from '../../src/object/read.js';
import { modelObject } from '../../src/model/index.js';
import { classify } from '../../src/classify/index.js';
import { compileFixture } from '../model/graph/compile.js';
import { EXPECTED } from '../model/graph/expected.js';

const kernel = await resolveKernel('debian:6.12');
const vm = await GuestVm.boot({ kernel });
t.teardown(() => vm.shutdown());

for (const file of [...new Set(EXPECTED.map((r) => r[0]))]) {
  t.test(`${file}.c: model == kernel 6.12, rule to rule`, async (t) => {
    const path = await compileFixture(file);
    const bytes = await readFile(path);
    const model = new Map(modelObject(readObject(new Uint8Array(bytes), path)).map((r) => [r.program, r]));
    const kernelResults = await vm.loadObject(bytes, { object: path });
    t.equal(kernelResults.length, model.size, 'the kernel saw every program');
    for (const k of kernelResults) {
      const m = model.get(k.program);
      const c = classify(k);
      t.same(
        { verdict: m?.verdict, rule: m?.rule ?? null, insn: k.verdict === 'reject' ? m?.insn : null, message: k.verdict === 'reject' ? m?.message : null },
        { verdict: k.verdict, rule: c.rule, insn: c.insn, message: c.message },
        `${k.program}: ${k.verdict}${c.message ? ` (${c.message})` : ''}`,
      );
    }
  });
}
