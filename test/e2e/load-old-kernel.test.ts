// debian:6.1 is fetched and booted like 6.12; it predates the graph kfuncs, so our graph
// programs (compiled against 6.12's vmlinux.h) cannot even be loaded there: libbpf finds
// no bpf_obj_new_impl in 6.1's BTF. That must be a loader-error, never a verifier reject.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { resolveKernel } from '../../vm/kernel.js';
import { withVm } from '../../vm/vm.js';
import { vmlinuxHeaderFor } from '../../vm/btf.js';
import { compileFixtures } from '../fixtures/harness/compile.js';

t.test('graph programs on Debian 6.1: loader-error naming the missing kfunc', async (t) => {
  const header = await vmlinuxHeaderFor(await resolveKernel('debian:6.12'));
  const { graph } = await compileFixtures(header, ['graph']);
  const old = await resolveKernel('debian:6.1');
  t.match(old.id, /^debian-6\.1\.\d+$/);
  const results = await withVm(old, {}, async (vm) => {
    t.match(vm.release, /^6\.1\.0-\d+-amd64$/);
    return vm.loadObject(await readFile(graph!), { object: graph! });
  });
  t.equal(results.length, 4);
  for (const r of results) {
    t.equal(r.verdict, 'loader-error', r.program);
    t.match(r.message, /bpf_obj_new_impl|kfunc|extern/, `${r.program}: ${r.message}`);
  }
});
