// Seeded mutation fuzz of the readers and the model: clang-19-compiled objects (the reader
// fixtures and two programs of the corpus's basics) with bytes overwritten, bits flipped, the file
// truncated, instructions replaced by random ones (registers up to r15, any opcode, `goto -1`,
// counter loops) and BTF type references pointed at random types (itself included). For every
// mutant: reading either works or fails with an InputError naming the file; the model never
// fails internally (no model-error), and no walk goes past its processed-instruction budget.
// fast-check drives the mutations with fixed seeds, so a failure reproduces and is shrunk to the
// smallest mutation that shows it.
import t from 'tap';
import fc from 'fast-check';
import { InputError } from '../../src/shared/errors.js';
import { readElf, SHF, SHT } from '../../src/elf/reader.js';
import { readObject } from '../../src/object/read.js';
import { modelObject } from '../../src/model/index.js';
import { compileFixture } from '../fixtures/readers/compile.js';
import { compileBasics } from './compile.js';
import { readFileSync } from 'node:fs';

/** A walk budget small enough for thousands of mutants; reaching it is a verdict like any other. */
const BUDGET = 5_000;

interface Subject { name: string; bytes: Uint8Array; code: { off: number; size: number }[]; btf: { off: number; size: number } | null }

function subject(name: string, bytes: Uint8Array): Subject {
  const elf = readElf(bytes, name);
  const code = elf.sections.filter((s) => s.type === SHT.PROGBITS && s.flags & SHF.EXECINSTR && s.size >= 8).map((s) => ({ off: s.offset, size: s.size }));
  const b = elf.section('.BTF');
  return { name, bytes, code, btf: b ? { off: b.offset, size: b.size } : null };
}

const subjects: Subject[] = [];
for (const f of ['graph', 'isa', 'btf_kinds', 'fmt'] as const) subjects.push(subject(f, (await compileFixture(f)).bytes));
for (const f of ['loops', 'calls'] as const) subjects.push(subject(f, new Uint8Array(readFileSync(await compileBasics(f)))));

type Mutation = (s: Subject, b: Uint8Array) => Uint8Array;

/** What one mutant did: 'read' (the model ran on every program) or 'refused' (InputError). */
function check(s: Subject, mutant: Uint8Array): 'read' | 'refused' {
  let obj;
  try {
    obj = readObject(mutant, `${s.name}-mutant.o`);
  } catch (e) {
    if (e instanceof InputError && e.file === `${s.name}-mutant.o`) return 'refused';
    throw new Error(`readObject threw ${(e as Error).name}: ${(e as Error).message}`);
  }
  for (const r of modelObject(obj, { insnLimit: BUDGET })) {
    if (r.verdict === 'model-error') throw new Error(`${r.program}: ${r.message}\n${r.stack}`);
    if (r.insnProcessed > BUDGET + 1) throw new Error(`${r.program}: walked ${r.insnProcessed} insns, budget ${BUDGET}`);
  }
  return 'read';
}

/** A position: fast-check's doubles crowd at 0 and 1 (the ELF header), so draw integers and reduce. */
const POS = fc.nat();
const at = (region: { off: number; size: number }, p: number, align = 1) =>
  region.off + (p % Math.max(1, Math.floor(region.size / align))) * align;

const MUTATIONS: Record<string, fc.Arbitrary<Mutation>> = {
  'bytes overwritten': fc.array(fc.tuple(POS, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
    .map((edits) => (_s: Subject, b: Uint8Array) => { for (const [p, v] of edits) b[p % b.length] = v; return b; }),
  'bits flipped': fc.array(fc.tuple(POS, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
    .map((edits) => (_s: Subject, b: Uint8Array) => { for (const [p, bit] of edits) b[p % b.length]! ^= 1 << bit; return b; }),
  'truncated': POS
    .map((p) => (_s: Subject, b: Uint8Array) => b.slice(0, p % b.length)),
  'instructions replaced': fc.array(fc.tuple(
    POS, POS,
    fc.oneof(
      // any opcode, any registers (r11..r15 included), small offsets and immediates
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -70, max: 70 })),
      fc.constant([0x05, 0, -1, 0] as [number, number, number, number]),            // goto -1
      fc.constant([0x07, 1, 0, 1] as [number, number, number, number]),             // r1 += 1 (with a jump back: a counter loop)
      fc.tuple(fc.constantFrom(0xa5, 0x35, 0x55), fc.integer({ min: 0, max: 9 }), fc.integer({ min: -6, max: -1 }), fc.integer({ min: 0, max: 1 << 20 })),
    )), { minLength: 1, maxLength: 4 })
    .map((edits) => (s: Subject, b: Uint8Array) => {
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (const [secP, insnP, [code, regs, off, imm]] of edits) {
        const sec = s.code[secP % s.code.length]!;
        const o = at(sec, insnP, 8);
        v.setUint8(o, code); v.setUint8(o + 1, regs); v.setInt16(o + 2, off, true); v.setInt32(o + 4, imm, true);
      }
      return b;
    }),
  'BTF type references redirected': fc.array(fc.tuple(POS, fc.integer({ min: 0, max: 64 })), { minLength: 1, maxLength: 3 })
    .map((edits) => (s: Subject, b: Uint8Array) => {
      if (!s.btf) return b;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      // any aligned word of the type section: type ids, sizes, vlen/kind words alike
      for (const [p, id] of edits) v.setUint32(at({ off: s.btf.off + 24, size: s.btf.size - 24 }, p, 4), id, true);
      return b;
    }),
};

for (const [name, arb] of Object.entries(MUTATIONS)) {
  t.test(`mutants, ${name}: clean refusal or a bounded walk, never an internal error`, async (t) => {
    const seen = { read: 0, refused: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: subjects.length - 1 }), arb, (si, mutate) => {
        const s = subjects[si]!;
        seen[check(s, mutate(s, s.bytes.slice()))]++;
      }),
      { seed: 0x13b1d, numRuns: 600, endOnFailure: false },
    );
    t.ok(seen.read + seen.refused >= 600, `${seen.read} mutants read and walked, ${seen.refused} refused with InputError`);
    if (name !== 'truncated') t.ok(seen.read > 0, 'some mutants are still objects the model walks');
  });
}
