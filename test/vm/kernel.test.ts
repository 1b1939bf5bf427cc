// file: kernels: what is not a bzImage is refused with a KernelError naming the spec and the fix
// (exit 3 through the CLI), before anything reads it; no VM is involved.
import t, { type Test as TapTest } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKernel } from '../../vm/kernel.js';
import { KernelError } from '../../vm/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'bv-kernel-'));

async function refusal(t: TapTest, spec: string): Promise<KernelError> {
  const err = await resolveKernel(spec).then(() => null, (e: unknown) => e);
  t.ok(err instanceof KernelError, `${spec}: a KernelError, not ${String(err)}`);
  return err as KernelError;
}

t.test('a directory: names the spec, says it is a directory, and gives file:.../bzImage or src:', async (t) => {
  const err = await refusal(t, `file:${dir}`);
  t.equal(err.spec, `file:${dir}`);
  t.match(err.describe(), `kernel file:${dir}: ${dir} is a directory, not a bzImage`);
  t.match(err.hint, `file:${join(dir, 'arch/x86/boot/bzImage')}`);
  t.match(err.hint, `src:${dir}`);
});

t.test('a missing path, a device and a file without the boot header', async (t) => {
  t.match((await refusal(t, `file:${join(dir, 'nope')}`)).message, /no such file/);
  t.match((await refusal(t, 'file:/dev/null')).message, /\/dev\/null is not a regular file/);
  writeFileSync(join(dir, 'vmlinux'), Buffer.alloc(0x1000));
  t.match((await refusal(t, `file:${join(dir, 'vmlinux')}`)).message, /is not a bzImage \(no "HdrS" boot header\)/);
});
