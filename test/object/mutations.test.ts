// Robustness: a real object with bytes flipped at seeded-random places must either read or fail with
// an InputError naming the file; never another exception, never a hang.
import t from 'tap';
import { InputError } from '../../src/shared/errors.js';
import { decode } from '../../src/bpf/insn.js';
import { formatInsnText } from '../../src/bpf/format.js';
import { readObject } from '../../src/object/read.js';
import { compileFixture } from '../fixtures/readers/compile.js';

/** Small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('flipped bytes: InputError or a result, nothing else', async (t) => {
  const { bytes } = await compileFixture('graph');
  const rand = rng(1234);
  let ok = 0, input = 0;
  const other: string[] = [];
  for (let round = 0; round < 400; round++) {
    const b = new Uint8Array(bytes);
    const flips = 1 + Math.floor(rand() * 8);
    for (let i = 0; i < flips; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try { readObject(b, 'mutant.o'); ok++; } catch (e) {
      // The catch-all "malformed object (...)" would mean a bound the readers forgot to check.
      if (e instanceof InputError && e.file === 'mutant.o' && !/malformed object/.test(e.message)) input++;
      else other.push(`round ${round}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  t.same(other, [], 'no exception other than a deliberate InputError');
  t.ok(ok > 0 && input > 0, `${ok} mutants read, ${input} refused with InputError`);
});

t.test('random code bytes decode and print without throwing', async (t) => {
  const rand = rng(99);
  const b = new Uint8Array(8 * 20000);
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
  const insns = decode(b);
  t.equal(insns.length, 20000);
  let printed = 0;
  insns.forEach((x, i) => { formatInsnText(x, i); printed++; });
  t.equal(printed, 20000);
  t.ok(insns.some((x) => x.kind === 'unknown') && insns.some((x) => x.kind !== 'unknown'));
});
