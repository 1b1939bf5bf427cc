// The kernel's own instruction-level checks, as a class: the raw fields of every instruction are
// checked where the line checks them, with its messages, before any semantics are modelled. 6.12
// checks most reserved fields at the front of each do_check handler (reachable instructions only);
// 7.x's check_insn_fields checks all of them over every instruction before the walk
// (switches.insnFieldsBeforeWalk), leaving operand reads, div by zero, shifts and atomics to the walk.
//  - before the walk, over every instruction (reachable or not), in bpf_check's order:
//    check_subprogs (jump targets, last insn) and the scan of resolve_pseudo_ldimm64
//    ("BPF_LDX uses reserved fields", "invalid bpf_ld_imm64 insn", "unknown opcode %02x");
//  - during the walk, at the front of each do_check handler: the reserved-field checks of
//    check_alu_op / do_check / check_cond_jmp_op / check_ld_imm / check_atomic and check_reg_arg's
//    "R%d is invalid" (dst_reg/src_reg are 4-bit fields: r11..r15 exist in the encoding only),
//    interleaved with "R%d !read_ok" in the order each handler checks its operands.
// Both read only RawInsn fields (code, dst, src, off, imm), never the decoded kind, as the kernel does.
import type { Insn, RawInsn } from '../../bpf/insn.js';
import { ALU, ATOMIC, CLASS, JMP, MAY_GOTO, MODE, PSEUDO_CALL, PSEUDO_KFUNC_CALL, SIZE, SRC, insnClass, insnMode, insnOp, insnSize, insnSrc } from '../../bpf/opcode.js';
import type { BpfProgram } from '../../object/types.js';
import { reject, type Finding } from '../finding.js';
import { CORE, type RuleBook } from '../../rules/index.js';
import { MAX_BPF_REG, T, curFrame, type VerifierState } from '../state.js';

const LD_IMM64 = CLASS.LD | MODE.IMM | SIZE.DW;

/** bpf_opcode_in_insntable (kernel/bpf/core.c): BPF_INSN_MAP plus LD_ABS/IND B/H/W and JMP|JCOND. */
const INSN_TABLE: ReadonlySet<number> = (() => {
  const s = new Set<number>();
  const aluOps = [ALU.ADD, ALU.SUB, ALU.AND, ALU.OR, ALU.LSH, ALU.RSH, ALU.XOR, ALU.MUL, ALU.MOV, ALU.ARSH, ALU.DIV, ALU.MOD];
  for (const cls of [CLASS.ALU, CLASS.ALU64]) for (const op of aluOps) for (const src of [SRC.K, SRC.X]) s.add(cls | op | src);
  s.add(CLASS.ALU | ALU.NEG).add(CLASS.ALU64 | ALU.NEG);
  s.add(CLASS.ALU | ALU.END | SRC.X).add(CLASS.ALU | ALU.END | SRC.K).add(CLASS.ALU64 | ALU.END | SRC.K);
  const jmpOps = [JMP.JEQ, JMP.JNE, JMP.JGT, JMP.JLT, JMP.JGE, JMP.JLE, JMP.JSGT, JMP.JSLT, JMP.JSGE, JMP.JSLE, JMP.JSET];
  for (const cls of [CLASS.JMP, CLASS.JMP32]) for (const op of jmpOps) for (const src of [SRC.K, SRC.X]) s.add(cls | op | src);
  s.add(CLASS.JMP | JMP.CALL).add(CLASS.JMP | JMP.EXIT).add(CLASS.JMP | JMP.JA).add(CLASS.JMP32 | JMP.JA).add(CLASS.JMP | JMP.JCOND);
  for (const size of [SIZE.B, SIZE.H, SIZE.W, SIZE.DW]) s.add(CLASS.STX | MODE.MEM | size).add(CLASS.ST | MODE.MEM | size).add(CLASS.LDX | MODE.MEM | size);
  s.add(CLASS.STX | MODE.ATOMIC | SIZE.W).add(CLASS.STX | MODE.ATOMIC | SIZE.DW);
  for (const size of [SIZE.B, SIZE.H, SIZE.W]) s.add(CLASS.LDX | MODE.MEMSX | size).add(CLASS.LD | MODE.ABS | size).add(CLASS.LD | MODE.IND | size);
  s.add(LD_IMM64);
  return s;
})();

export const opcodeInInsnTable = (code: number): boolean => INSN_TABLE.has(code);

/** check_subprogs: every jump stays inside its function; a function ends in exit or goto. */
export function checkSubprogs(prog: BpfProgram, rules: RuleBook): Finding | null {
  const funcs = [...prog.funcs].sort((a, b) => a.start - b.start);
  for (const f of funcs) {
    for (let i = f.start; i < f.end; i++) {
      const { code, off, imm } = prog.insns[i]!;
      const cls = insnClass(code), op = insnOp(code);
      if ((cls === CLASS.JMP || cls === CLASS.JMP32) && op !== JMP.EXIT && op !== JMP.CALL) {
        const to = code === (CLASS.JMP32 | JMP.JA) ? i + imm + 1 : i + off + 1;
        if (to < f.start || to >= f.end) return reject(rules, CORE.jumpOutOfRange, i, i, to);
      }
    }
    const last = prog.insns[f.end - 1];
    const code = last?.code;
    if (code !== (CLASS.JMP | JMP.EXIT) && code !== (CLASS.JMP32 | JMP.JA) && code !== (CLASS.JMP | JMP.JA)) return reject(rules, CORE.lastInsn, f.end - 1);
  }
  return null;
}

/**
 * resolve_pseudo_ldimm64's per-instruction checks (6.12), or 7.x's check_and_resolve_insns, which
 * also runs check_insn_fields over every instruction (`fieldsBeforeWalk`): register numbers, the
 * ld_imm64 pair, the opcode table, then every reserved field, reachable or not. (Its map checks
 * are graphPrecheck's and the ld_imm64 resolution is the object reader's.) The kernel prints these
 * before any instruction line, so the log names no instruction; `insn` is where the model found it.
 */
export function scanInsns(insns: readonly Insn[], rules: RuleBook, fieldsBeforeWalk = false): Finding | null {
  for (let i = 0; i < insns.length; i++) {
    const x = insns[i]!;
    if (fieldsBeforeWalk) {
      if (x.dst >= MAX_BPF_REG) return reject(rules, CORE.regInvalid, i, x.dst);
      if (x.src >= MAX_BPF_REG) return reject(rules, CORE.regInvalid, i, x.src);
    } else if (insnClass(x.code) === CLASS.LDX && ((insnMode(x.code) !== MODE.MEM && insnMode(x.code) !== MODE.MEMSX) || x.imm !== 0)) {
      return reject(rules, CORE.reservedFields, i, 'BPF_LDX');
    }
    if (x.code === LD_IMM64) {
      const hi = insns[i + 1];
      if (!hi || hi.code !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) return reject(rules, CORE.invalidLdImm64, i);
      if (fieldsBeforeWalk && x.off !== 0) return reject(rules, CORE.reservedFields, i, 'BPF_LD_IMM64');
      i++;
      continue;
    }
    if (!opcodeInInsnTable(x.code)) return reject(rules, CORE.unknownOpcode, i, x.code.toString(16).padStart(2, '0'));
    if (fieldsBeforeWalk) {
      const f = insnFields(x, rules, i);
      if (f) return f;
    }
  }
  return null;
}

/** check_insn_fields (7.x: check_alu_fields, check_jmp_fields and the load/store classes) on an opcode of the table. */
function insnFields(x: RawInsn, rules: RuleBook, idx: number): Finding | null {
  const cls = insnClass(x.code), op = insnOp(x.code), isX = insnSrc(x.code) === SRC.X;
  const reserved = (bad: boolean, what: string): Finding | null => (bad ? reject(rules, CORE.reservedFields, idx, what) : null);
  switch (cls) {
    case CLASS.ALU: case CLASS.ALU64: {
      if (op === ALU.NEG) return reserved(isX || x.src !== 0 || x.off !== 0 || x.imm !== 0, 'BPF_NEG');
      if (op === ALU.END) return reserved(x.src !== 0 || x.off !== 0 || (x.imm !== 16 && x.imm !== 32 && x.imm !== 64) || (cls === CLASS.ALU64 && isX), 'BPF_END');
      if (op === ALU.MOV) {
        if (!isX) return reserved(x.src !== 0 || x.off !== 0, 'BPF_MOV');
        if (cls === CLASS.ALU) return reserved((x.off !== 0 && x.off !== 8 && x.off !== 16) || x.imm !== 0, 'BPF_MOV');
        if (x.off === 1) return null; // addr_space_cast: its own message; the walk answers unsupported for it
        return reserved((x.off !== 0 && x.off !== 8 && x.off !== 16 && x.off !== 32) || x.imm !== 0, 'BPF_MOV');
      }
      const badOff = (x.off !== 0 && x.off !== 1) || (x.off === 1 && op !== ALU.MOD && op !== ALU.DIV);
      return reserved(isX ? x.imm !== 0 || badOff : x.src !== 0 || badOff, 'BPF_ALU');
    }
    case CLASS.LDX: return reserved((insnMode(x.code) !== MODE.MEM && insnMode(x.code) !== MODE.MEMSX) || x.imm !== 0, 'BPF_LDX');
    case CLASS.STX: return insnMode(x.code) === MODE.ATOMIC ? null : reserved(insnMode(x.code) !== MODE.MEM || x.imm !== 0, 'BPF_STX');
    case CLASS.ST: return reserved(insnMode(x.code) !== MODE.MEM || x.src !== 0, 'BPF_ST');
    case CLASS.JMP: case CLASS.JMP32: {
      if (op === JMP.CALL) {
        return reserved(isX || (x.src !== PSEUDO_KFUNC_CALL && x.off !== 0) || (x.src !== 0 && x.src !== PSEUDO_CALL && x.src !== PSEUDO_KFUNC_CALL)
          || x.dst !== 0 || cls === CLASS.JMP32, 'BPF_CALL');
      }
      if (op === JMP.JA) {
        if (isX) return reserved(x.src !== 0 || x.imm !== 0 || x.off !== 0, 'BPF_JA|BPF_X');
        return reserved(x.src !== 0 || x.dst !== 0 || (cls === CLASS.JMP ? x.imm !== 0 : x.off !== 0), 'BPF_JA');
      }
      if (op === JMP.EXIT) return reserved(isX || x.imm !== 0 || x.src !== 0 || x.dst !== 0 || cls === CLASS.JMP32, 'BPF_EXIT');
      if (op === JMP.JCOND) {
        return x.code !== (CLASS.JMP | JMP.JCOND) || x.src !== MAY_GOTO || x.dst !== 0 || x.imm !== 0 ? reject(rules, CORE.invalidMayGoto, idx, x.off, x.imm) : null;
      }
      return reserved(isX ? x.imm !== 0 : x.src !== 0, 'BPF_JMP/JMP32');
    }
    case CLASS.LD: {
      const mode = insnMode(x.code);
      if (mode !== MODE.ABS && mode !== MODE.IND) return null;
      return reserved(x.dst !== 0 || x.off !== 0 || insnSize(x.code) === SIZE.DW || (mode === MODE.ABS && x.src !== 0), 'BPF_LD_[ABS|IND]');
    }
  }
  return null;
}

/** One step of a handler's front: a reserved-field test, or check_reg_arg on a register. */
type Check = { reserved: string; bad: boolean } | { reg: number; read: boolean } | { finding: (rules: RuleBook, idx: number) => Finding | null; field?: true };

const ATOMIC_OPS = new Set<number>([
  ATOMIC.ADD, ATOMIC.ADD | ATOMIC.FETCH, ATOMIC.AND, ATOMIC.AND | ATOMIC.FETCH, ATOMIC.OR, ATOMIC.OR | ATOMIC.FETCH,
  ATOMIC.XOR, ATOMIC.XOR | ATOMIC.FETCH, ATOMIC.XCHG, ATOMIC.CMPXCHG,
]);
const SHIFTS = new Set<number>([ALU.LSH, ALU.RSH, ALU.ARSH]);

/** frontChecks per instruction (they depend on its fields only): the walk passes an insn many times. */
const cache = new WeakMap<RawInsn, Check[]>();

/** The checks at the front of the handler for `x`, in the kernel's order (an opcode in the table). */
function frontChecks(x: RawInsn): Check[] {
  let c = cache.get(x);
  if (!c) cache.set(x, c = buildChecks(x));
  return c;
}

function buildChecks(x: RawInsn): Check[] {
  const cls = insnClass(x.code), op = insnOp(x.code), isX = insnSrc(x.code) === SRC.X;
  switch (cls) {
    case CLASS.ALU: case CLASS.ALU64: {
      if (op === ALU.NEG) {
        return [{ reserved: 'BPF_NEG', bad: isX || x.src !== 0 || x.off !== 0 || x.imm !== 0 }, { reg: x.dst, read: true }, { reg: x.dst, read: false }];
      }
      if (op === ALU.END) {
        const bad = x.src !== 0 || x.off !== 0 || (x.imm !== 16 && x.imm !== 32 && x.imm !== 64) || (cls === CLASS.ALU64 && isX);
        return [{ reserved: 'BPF_END', bad }, { reg: x.dst, read: true }, { reg: x.dst, read: false }];
      }
      if (op === ALU.MOV) {
        if (!isX) return [{ reserved: 'BPF_MOV', bad: x.src !== 0 || x.off !== 0 }, { reg: x.dst, read: false }];
        // ALU64 off=1 is addr_space_cast: its own checks (arena, unsupported by the model)
        if (cls === CLASS.ALU64 && x.off === 1) return [];
        const offs = cls === CLASS.ALU ? [0, 8, 16] : [0, 8, 16, 32];
        return [{ reserved: 'BPF_MOV', bad: !offs.includes(x.off) || x.imm !== 0 }, { reg: x.src, read: true }, { reg: x.dst, read: false }];
      }
      const badOff = (x.off !== 0 && x.off !== 1) || (x.off === 1 && op !== ALU.MOD && op !== ALU.DIV);
      const size = cls === CLASS.ALU64 ? 64 : 32;
      return [
        { reserved: 'BPF_ALU', bad: isX ? x.imm !== 0 || badOff : x.src !== 0 || badOff },
        ...(isX ? [{ reg: x.src, read: true }] : []),
        { reg: x.dst, read: true },
        { finding: (rules, idx) => ((op === ALU.DIV || op === ALU.MOD) && !isX && x.imm === 0 ? reject(rules, CORE.divByZero, idx) : null) },
        { finding: (rules, idx) => (SHIFTS.has(op) && !isX && (x.imm < 0 || x.imm >= size) ? reject(rules, CORE.invalidShift, idx, x.imm) : null) },
        { reg: x.dst, read: false },
      ];
    }
    case CLASS.LDX:
      return [{ reg: x.src, read: true }, { reg: x.dst, read: false }];
    case CLASS.STX:
      if (insnMode(x.code) === MODE.ATOMIC) {
        return [
          { finding: (rules, idx) => (ATOMIC_OPS.has(x.imm) ? null : reject(rules, CORE.atomicOpcode, idx, (x.imm >>> 0).toString(16).padStart(2, '0'))) },
          { reg: x.src, read: true }, { reg: x.dst, read: true }, ...(x.imm === ATOMIC.CMPXCHG ? [{ reg: 0, read: true }] : []),
        ];
      }
      return [{ reserved: 'BPF_STX', bad: x.imm !== 0 }, { reg: x.src, read: true }, { reg: x.dst, read: true }];
    case CLASS.ST:
      return [{ reserved: 'BPF_ST', bad: x.src !== 0 }, { reg: x.dst, read: true }];
    case CLASS.JMP: case CLASS.JMP32: {
      if (op === JMP.CALL) {
        const bad = (x.src !== PSEUDO_KFUNC_CALL && x.off !== 0) || (x.src !== 0 && x.src !== PSEUDO_CALL && x.src !== PSEUDO_KFUNC_CALL) || x.dst !== 0;
        return [{ reserved: 'BPF_CALL', bad }];
      }
      if (op === JMP.JA) {
        return [{ reserved: 'BPF_JA', bad: x.src !== 0 || x.dst !== 0 || (cls === CLASS.JMP ? x.imm !== 0 : x.off !== 0) }];
      }
      if (op === JMP.EXIT) return [{ reserved: 'BPF_EXIT', bad: x.imm !== 0 || x.src !== 0 || x.dst !== 0 }];
      if (op === JMP.JCOND) {
        return [{ finding: (rules, idx) => (x.src !== 0 || x.dst !== 0 || x.imm !== 0 || x.off === 0 ? reject(rules, CORE.invalidMayGoto, idx, x.off, x.imm) : null), field: true }];
      }
      return [{ reg: x.dst, read: true }, { reserved: 'BPF_JMP/JMP32', bad: isX ? x.imm !== 0 : x.src !== 0 }, ...(isX ? [{ reg: x.src, read: true }] : [])];
    }
    case CLASS.LD:
      // LD_ABS/IND: check_ld_abs refuses by program type first; the model answers unsupported
      if (x.code === LD_IMM64) return [{ reserved: 'BPF_LD_IMM64', bad: x.off !== 0 }, { reg: x.dst, read: false }];
      return [];
  }
  return [];
}

/**
 * The front of the do_check handler for insn `idx` on the current state: the first finding, or
 * null when the raw fields are all valid and every register operand exists (and is readable
 * where the kernel checks that before a reserved field).
 */
export function checkInsnFields(rules: RuleBook, state: VerifierState, x: RawInsn, idx: number, fieldsBeforeWalk = false): Finding | null {
  const regs = curFrame(state).regs;
  for (const c of frontChecks(x)) {
    if ('reserved' in c) {
      if (c.bad && !fieldsBeforeWalk) return reject(rules, CORE.reservedFields, idx, c.reserved);
    } else if ('reg' in c) {
      if (c.reg >= MAX_BPF_REG) return reject(rules, CORE.regInvalid, idx, c.reg);
      if (c.read && regs[c.reg]!.type === T.NOT_INIT) return reject(rules, CORE.regNotInit, idx, c.reg);
      if (!c.read && c.reg === 10) return reject(rules, CORE.fpReadOnly, idx);
    } else if (!(c.field && fieldsBeforeWalk)) {
      const f = c.finding(rules, idx);
      if (f) return f;
    }
  }
  return null;
}
