// An exception inside the model (a bug) is a `model-error` result carrying the exception's stack,
// never a verdict; the run's analysis reports one escaping the model the same way.
import t from 'tap';
import { getProfile } from '../../src/profiles/index.js';
import { decodeOne, type RawInsn } from '../../src/bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../src/object/types.js';
import type { GraphHooks } from '../../src/model/hooks.js';
import { modelObject, modelProgram } from '../../src/model/index.js';
import { analyzeObject } from '../../src/run/analyze.js';
import type { AnalysisBackend } from '../../src/run/backend.js';

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });

function object(raw: RawInsn[]): BpfObject {
  const insns = raw.map(decodeOne);
  const prog: BpfProgram = {
    name: 'p', section: 'tc', progType: 'sched_cls', attachTo: null, sleepable: false, insns,
    funcs: [{ name: 'p', start: 0, end: insns.length, btfTypeId: null, linkage: 'global' }],
    relocs: new Map(), lines: new Map(), declTags: [],
  };
  return { file: 'hand-made.o', btf: null, maps: [], programs: [prog], license: 'GPL' };
}

/** Graph hooks whose every member throws, as a bug in them would. */
const broken = new Proxy({}, { get(_t, name) { throw new TypeError(`hook ${String(name)} is broken`); } }) as GraphHooks;

t.test('a throwing hook: model-error with the stack, not a verdict', async (t) => {
  const obj = object([I(0xb7, 0, 0, 0, 0), I(0x95)]);
  const r = modelProgram(obj, obj.programs[0]!, { hooks: broken });
  t.equal(r.verdict, 'model-error');
  t.equal(r.rule, 'model.internal');
  t.match(r.message, /^internal model error: TypeError: hook \w+ is broken$/);
  t.match(r.stack, /TypeError: hook \w+ is broken\n\s+at /, 'the stack, for the bug report');
  t.same(modelObject(obj).map((x) => x.verdict), ['accept'], 'the same program with working hooks');
});

t.test('an exception escaping the model in a run: model-error per program, with the stack', async (t) => {
  const obj = object([I(0xb7, 0, 0, 0, 0), I(0x95)]);
  const backend = {
    readObject: () => obj,
    model: () => { throw new RangeError('model exploded'); },
    classify: () => ({ rule: null, message: null, insn: null }),
  } as unknown as AnalysisBackend;
  const a = analyzeObject(new Uint8Array(), 'hand-made.o', backend, { profile: getProfile('6.12'), trace: false, targetBtf: null });
  t.equal(a.programs[0]!.model.verdict, 'model-error');
  t.match(a.programs[0]!.model.stack, /RangeError: model exploded/);
});
