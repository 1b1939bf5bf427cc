// check_reg_arg(): the operand checks every instruction kind makes before it reads or writes a
// register. Below every instruction module (step, mem, branch, call, helper-call import it).
import { CORE, type RuleBook } from '../../rules/index.js';
import { reject } from '../finding.js';
import { T, curFrame, type VerifierState } from '../state.js';
import { stop, type Env, type Step } from './env.js';

/** check_reg_arg(SRC_OP): null when readable, else the "R%d !read_ok" finding. */
export function checkRead(env: Env, state: VerifierState, regno: number, idx: number): Step | null {
  if (curFrame(state).regs[regno]!.type === T.NOT_INIT) return stop(reject(env.profile.rules, CORE.regNotInit, idx, regno));
  return null;
}
/** check_reg_arg(DST_OP): R10 is read only. */
export function checkWrite(rules: RuleBook, regno: number, idx: number): Step | null {
  return regno === 10 ? stop(reject(rules, CORE.fpReadOnly, idx)) : null;
}
