// Generated programs in the real kernels: a sample per line, rendered 20 to an object and loaded
// in Debian's 6.12 and 7.3.4 (QEMU) by `bpf-verdict run`. The generator's intent is the contract:
// every program meant to be valid is accepted, every program with a fault is rejected, so the
// accepted share is the share of fault-free programs (about half).
import t, { type Test as Tap } from 'tap';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../src/fuzz/gen/index.js';
import { renderObject } from '../../src/fuzz/render.js';
import type { LineName } from '../../src/profiles/types.js';
import { KERNEL_612, KERNEL_73 } from './kernels.js';

const root = process.cwd();
const COUNT = 120;

async function onKernel(t: Tap, spec: string, line: LineName, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `fuzz-load-${line}-`));
  const batch = generate({ seed, line, count: COUNT });
  for (let i = 0; i < COUNT; i += 20) writeFileSync(join(dir, `fz_${i}.c`), renderObject(batch, batch.programs.slice(i, i + 20)));
  const run = await execa('node', [join(root, 'bin', 'bpf-verdict.js'), 'run', '--kernel', spec, '-j', '1', '--json', dir],
    { cwd: root, reject: false, timeout: 30 * 60_000 });
  t.comment(run.stderr.split('\n').slice(-6).join('\n'));
  const records = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  t.equal(records.length, COUNT, `${line}: a record for every program`);
  const byName = new Map(batch.programs.map((p) => [p.name, p]));
  const wrong: string[] = [];
  let accepted = 0;
  for (const r of records) {
    const p = byName.get(r.program);
    if (p === undefined) { wrong.push(`${r.program}: not generated`); continue; }
    const verdict = r.kernel?.verdict;
    if (verdict === 'accept') accepted++;
    const meant = p.fault === null ? 'accept' : 'reject';
    if (verdict !== meant) wrong.push(`${p.name} (${p.fault ?? 'valid'}): kernel ${verdict} ${r.kernel?.message ?? ''} in ${r.object}`);
  }
  t.same(wrong, [], `${line}: the kernel's verdict is the generator's intent`);
  const valid = batch.programs.filter((p) => p.fault === null).length;
  t.equal(accepted, valid, `${line}: accepted ${accepted} of ${COUNT}`);
}

t.test('Debian 6.12: valid programs accepted, faulty ones rejected', (t) => onKernel(t, KERNEL_612, '6.12', 612));
t.test('Debian 7.3: valid programs accepted, faulty ones rejected', (t) => onKernel(t, KERNEL_73, '7.3', 73));
