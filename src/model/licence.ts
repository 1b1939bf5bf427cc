// The program's licence, as bpf_prog_load reads it (license_is_gpl_compatible in
// include/linux/license.h): kfuncs and gpl_only helpers are refused to other licences.
import type { BpfObject, BpfProgram } from '../object/types.js';
import { reject, type Finding } from './finding.js';
import { CORE, type RuleBook } from '../rules/index.js';

/** The licences the kernel treats as GPL-compatible (exact strings). */
const GPL_COMPATIBLE = ['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL'];

/** A missing "license" section loads as the empty licence (libbpf passes ""). */
export const gplCompatible = (obj: BpfObject): boolean => GPL_COMPATIBLE.includes(obj.license ?? '');

/**
 * add_subprog_and_kfunc -> add_kfunc_call, before the walk: the first kfunc call of a program
 * whose licence is not GPL-compatible is refused, whether or not the walk would reach it.
 */
export function kfuncLicenceCheck(obj: BpfObject, prog: BpfProgram, rules: RuleBook): Finding | null {
  if (gplCompatible(obj)) return null;
  const idx = prog.insns.findIndex((insn) => insn.kind === 'call' && insn.target === 'kfunc');
  return idx < 0 ? null : reject(rules, CORE.kfuncNonGpl, idx);
}
