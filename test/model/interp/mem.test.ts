// save_aux_ptr_type on hand-assembled paths: one load reached with the context on one path and
// the stack on another is refused at its second visit; stack and map-value-like types may mix.
import t from 'tap';
import { modelObject } from '../../../src/model/index.js';
import { I, asmObject } from './asm.js';

const exit = () => I(0x95);

t.test('one load, ctx on one path and stack on the other', async (t) => {
  const raw = [
    I(0x7a, 10, 0, -8, 0),   // 0: *(u64 *)(r10 -8) = 0
    I(0x61, 2, 1, 0, 0),     // 1: r2 = *(u32 *)(r1 +0)
    I(0xbf, 3, 1),           // 2: r3 = r1 (ctx)
    I(0x15, 2, 0, 2, 0),     // 3: if r2 == 0 goto 6
    I(0xbf, 3, 10),          // 4: r3 = r10
    I(0x07, 3, 0, 0, -8),    // 5: r3 += -8 (stack)
    I(0x61, 0, 3, 0, 0),     // 6: r0 = *(u32 *)(r3 +0)
    exit(),
  ];
  const [r] = modelObject(asmObject(raw));
  t.same({ rule: r!.rule, insn: r!.insn, message: r!.message },
    { rule: 'insn.ptr_type_mismatch', insn: 6, message: 'same insn cannot be used with different pointers' });
});

t.test('one load, two stack slots on two paths: the same type, accepted', async (t) => {
  const raw = [
    I(0x7a, 10, 0, -8, 0), I(0x7a, 10, 0, -16, 0), I(0x61, 2, 1, 0, 0),
    I(0xbf, 3, 10), I(0x07, 3, 0, 0, -8), I(0x15, 2, 0, 1, 0), I(0x07, 3, 0, 0, -8),
    I(0x61, 0, 3, 0, 0), exit(),
  ];
  const [r] = modelObject(asmObject(raw));
  t.equal(r!.verdict, 'accept', r!.message ?? '');
});
