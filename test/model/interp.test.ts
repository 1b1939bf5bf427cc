// The walk's machinery on hand-assembled programs (made here, not compiled): pruning keeps
// branchy programs linear, the complexity limits and the infinite-loop check fire with the
// kernel's messages, scalar copies get ids as env->id_gen hands them out.
import t from 'tap';
import { decodeOne, type RawInsn } from '../../src/bpf/insn.js';
import type { BpfObject, BpfProgram } from '../../src/object/types.js';
import { modelObject } from '../../src/model/index.js';
import { graphHooks } from '../../src/model/graph/index.js';
import { makeEnv, verifyProgram } from '../../src/model/interp/explore.js';
import { getProfile } from '../../src/profiles/index.js';

const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): RawInsn => ({ code, dst, src, off, imm });
const mov = (dst: number, imm: number) => I(0xb7, dst, 0, 0, imm);
const movr = (dst: number, src: number) => I(0xbf, dst, src);
const add = (dst: number, imm: number) => I(0x07, dst, 0, 0, imm);
const ldxw = (dst: number, src: number, off: number) => I(0x61, dst, src, off);
const ldxdw = (dst: number, src: number, off: number) => I(0x79, dst, src, off);
const jeq = (dst: number, imm: number, off: number) => I(0x15, dst, 0, off, imm);
const jlt = (dst: number, imm: number, off: number) => I(0xa5, dst, 0, off, imm);
const ja = (off: number) => I(0x05, 0, 0, off);
const exit = () => I(0x95);

function object(raw: RawInsn[]): BpfObject {
  const insns = raw.map(decodeOne);
  const prog: BpfProgram = {
    name: 'p', section: 'tc', progType: 'sched_cls', attachTo: null, sleepable: false, insns,
    funcs: [{ name: 'p', start: 0, end: insns.length, btfTypeId: null, linkage: 'global' }],
    relocs: new Map(), lines: new Map(), declTags: [],
  };
  return { file: 'hand-made.o', btf: null, maps: [], programs: [prog], license: 'GPL' };
}

t.test('40 sequential branches: pruning keeps the walk linear', async (t) => {
  const raw = [ldxw(6, 1, 0), mov(0, 0)];
  for (let i = 0; i < 40; i++) raw.push(jeq(6, i + 100, 1), mov(0, 0));
  raw.push(exit());
  const [r] = modelObject(object(raw));
  t.equal(r!.verdict, 'accept');
  t.ok(r!.insnProcessed < 400, `processed ${r!.insnProcessed} insns (2^40 paths without pruning)`);
});

t.test('the processed-instruction limit: past it the model cannot speak for the kernel', async (t) => {
  const obj = object([mov(0, 0), add(0, 1), jlt(0, 100000, -2), exit()]);
  const env = makeEnv(obj, obj.programs[0]!, { ...getProfile('6.12'), switches: { ...getProfile('6.12').switches, insnLimit: 1000 } }, graphHooks, false);
  const w = verifyProgram(env);
  t.equal(w.finding?.kind, 'unsupported');
  t.equal(w.finding?.rule, 'model.unsupported.complexity');
  t.match(w.finding?.message, /^unsupported: 1001 instructions processed \(past the kernel's limit/);
});

t.test('the pending-branch limit', async (t) => {
  const raw = [ldxw(6, 1, 0), mov(0, 0)];
  for (let i = 0; i < 10; i++) raw.push(jeq(6, i + 100, 1), mov(7, i));
  raw.push(exit());
  const obj = object(raw);
  const env = makeEnv(obj, obj.programs[0]!, { ...getProfile('6.12'), switches: { ...getProfile('6.12').switches, jmpSeqLimit: 4 } }, graphHooks, false);
  const w = verifyProgram(env);
  t.equal(w.finding?.rule, 'model.unsupported.complexity');
  t.match(w.finding?.message, /^unsupported: 5 pending branches \(past the kernel's limit/);
  t.equal(w.finding?.insn, 10, 'the fifth undecided branch');
});

t.test('a state that repeats exactly on a back-edge is an infinite loop', async (t) => {
  const [r] = modelObject(object([mov(0, 0), jeq(0, 0, -1), exit()]));
  t.same({ verdict: r!.verdict, rule: r!.rule, insn: r!.insn, message: r!.message },
    { verdict: 'reject', rule: 'cfg.infinite_loop', insn: 1, message: 'infinite loop detected at insn 1' });
});

t.test('control-flow checks before the walk (check_subprogs, check_cfg)', async (t) => {
  const msg = (raw: RawInsn[]) => modelObject(object(raw))[0]!.message;
  t.equal(msg([mov(0, 0), ja(-1), exit()]), 'unreachable insn 2');
  t.equal(msg([mov(0, 0), ja(5), exit()]), 'jump out of range from insn 1 to 7');
  t.equal(msg([mov(0, 0), exit(), mov(0, 1)]), 'last insn is not an exit or jmp');
});

t.test('a copy of an unknown scalar shares a fresh id (assign_scalar_id_before_mov)', async (t) => {
  const [r] = modelObject(object([ldxw(6, 1, 0), movr(7, 6), ldxdw(0, 6, 0), exit()]));
  t.equal(r!.message, "R6 invalid mem access 'scalar'");
  t.match(r!.stateAt, /R6=scalar\(id=1,/);
  t.match(r!.stateAt, /R7=scalar\(id=1,/);
});

t.test('an instruction the model does not model: unsupported, naming it', async (t) => {
  const [r] = modelObject(object([I(0x20, 0, 0, 0, 0) /* ld_abs w */, exit()]));
  t.equal(r!.verdict, 'unsupported');
  t.equal(r!.message, 'unsupported: instruction ld_abs');
});

t.test('an unknown helper id: the kernel message; a known unmodelled helper: unsupported', async (t) => {
  const [a] = modelObject(object([I(0x85, 0, 0, 0, 9999), exit()]));
  t.equal(a!.message, 'invalid func unknown#9999');
  const [b] = modelObject(object([I(0x85, 0, 0, 0, 26), exit()]));
  t.equal(b!.verdict, 'unsupported');
  t.equal(b!.message, 'unsupported: helper bpf_skb_load_bytes#26');
});

// may_goto (JMP|JCOND, src 0): the fall-through is the loop body, queued one may_goto_depth deeper;
// the jump target (the loop's exit) is walked first. A `while (can_loop)` whose body keeps an
// unknown scalar converges when an iteration is within an earlier one still being explored.
const mayGoto = (off: number) => I(0xe5, 0, 0, off, 0);

t.test('may_goto: an open-ended loop converges; the budget exit is walked', async (t) => {
  // loop: may_goto +2 (to exit); r6 = *(u32 *)(r1 + 0); goto loop; exit: r0 = 0; exit
  const raw = [mayGoto(2), ldxw(6, 1, 0), ja(-3), mov(0, 0), exit()];
  const [r] = modelObject(object(raw));
  t.equal(r!.verdict, 'accept');
  t.ok(r!.insnProcessed < 30, `${r!.insnProcessed} insns processed`);
});

t.test('may_goto: a counter the kernel widens (imprecise) keeps the model going: unsupported, not a verdict', async (t) => {
  // r6 = *(u32 *)(r1 + 0); loop: may_goto +2; r6 += 1; goto loop; r0 = 0; exit
  const obj = object([ldxw(6, 1, 0), mayGoto(2), add(6, 1), ja(-3), mov(0, 0), exit()]);
  const env = makeEnv(obj, obj.programs[0]!, { ...getProfile('7.3'), switches: { ...getProfile('7.3').switches, insnLimit: 2000 } }, graphHooks, false);
  const w = verifyProgram(env);
  t.same([w.finding?.kind, w.finding?.rule], ['unsupported', 'model.unsupported.complexity']);
});

t.test('may_goto: a rejection inside the loop body is found', async (t) => {
  // the body reads r7, never written
  const raw = [mayGoto(2), movr(0, 7), ja(-3), mov(0, 0), exit()];
  const [r] = modelObject(object(raw));
  t.same([r!.verdict, r!.rule, r!.insn, r!.message], ['reject', 'reg.not_init', 1, 'R7 !read_ok']);
});
