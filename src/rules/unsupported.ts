// Why the model answers `unsupported`: one entry per class of construct it does not model. A
// finding names the construct in its message; its rule is one of these ids, so reports can count
// what is missing by class.
import type { UnsupportedInfo } from './types.js';

const u = <I extends string>(id: I, doc: string): UnsupportedInfo<I> => ({ id, doc });

export const UNSUPPORTED = {
  generic: u('model.unsupported', 'the program as a whole (e.g. a subprogram layout the model cannot read)'),
  profile: u('model.unsupported.profile', 'a construct whose rules the model does not state for this kernel line'),
  progType: u('model.unsupported.prog_type', 'a program type the model has no ctx layout or kfunc hook for'),
  helper: u('model.unsupported.helper', 'a helper the model has no prototype for, or not for this program type'),
  kfunc: u('model.unsupported.kfunc', 'a kfunc not in the line\'s table (bpf_task_acquire, test kfuncs...)'),
  kfuncArg: u('model.unsupported.kfunc_arg', 'a kfunc argument shape the model does not check'),
  kptr: u('model.unsupported.kptr', 'kernel-object kptrs, percpu kptr exchange, releases of references not held in this frame'),
  btfAccess: u('model.unsupported.btf_access', 'loads and stores through kernel BTF pointers, pointer members of local objects'),
  mapType: u('model.unsupported.map_type', 'helpers on map types the model does not model'),
  globalArgs: u('model.unsupported.global_args', 'global-function argument kinds the model does not check (decl-tag args...)'),
  insn: u('model.unsupported.insn', 'instructions outside the program or not in the ISA the model decodes'),
  ldAbs: u('model.unsupported.ld_abs', 'legacy packet loads (BPF_LD_ABS)'),
  ldInd: u('model.unsupported.ld_ind', 'legacy packet loads (BPF_LD_IND)'),
  mayGoto: u('model.unsupported.may_goto', 'may_goto'),
  callx: u('model.unsupported.callx', 'indirect calls (callx)'),
  addrSpaceCast: u('model.unsupported.addr_space_cast', 'arena address-space casts'),
  ldImm64: u('model.unsupported.ld_imm64', 'ld_imm64 pseudo sources other than maps, map values and subprogram addresses'),
  atomic: u('model.unsupported.atomic', 'atomics on anything but the stack and map values'),
  stackVarOff: u('model.unsupported.stack_var_off', 'variable-offset stack accesses'),
  kconfigLoad: u('model.unsupported.kconfig_load', 'loads from .kconfig (values of the running kernel)'),
  rodataLoad: u('model.unsupported.rodata_load', 'loads from read-only data whose bytes the object does not carry'),
  ctx: u('model.unsupported.ctx', 'ctx fields the model has no layout for'),
  coreRelo: u('model.unsupported.core_relo', 'CO-RE relocations whose value needs the target kernel\'s BTF when the model was not given it, TYPE_MATCHES, and objects libbpf refuses to relocate'),
  mem: u('model.unsupported.mem', 'memory accesses through pointer types the model does not model (packet, sockets...)'),
  complexity: u('model.unsupported.complexity', 'a walk past the kernel\'s complexity limits (1M processed instructions, 8192 pending branches): the model prunes without liveness or precision marks and widens no loop scalars, so its counts are not the kernel\'s'),
} as const;

export type UnsupportedId = (typeof UNSUPPORTED)[keyof typeof UNSUPPORTED]['id'];
export const unsupportedReasons: readonly UnsupportedInfo<UnsupportedId>[] = Object.values(UNSUPPORTED);

/** The unsupported class of an instruction kind the walk does not model. */
export function unsupportedInsn(kind: string): UnsupportedInfo<UnsupportedId> {
  switch (kind) {
    case 'ld_abs': return UNSUPPORTED.ldAbs;
    case 'ld_ind': return UNSUPPORTED.ldInd;
    case 'may_goto': return UNSUPPORTED.mayGoto;
    case 'callx': return UNSUPPORTED.callx;
    case 'addr_space_cast': return UNSUPPORTED.addrSpaceCast;
    default: return UNSUPPORTED.insn;
  }
}
