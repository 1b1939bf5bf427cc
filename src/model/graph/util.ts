// Small shared pieces of the graph rules: findings, the rbtree-callback test, non-owning marking.
import { CORE, type RuleRef } from '../../rules/index.js';
import { reject, type Finding, type FormatArg } from '../finding.js';
import { F, forEachReg, type RegState } from '../state.js';
import type { HookCtx } from '../hooks.js';
import type { BtfRecord } from './records.js';

/** A rejection by `rule` at the current instruction, as the profile's line prints it. */
export const fail = (ctx: HookCtx, rule: RuleRef, ...args: FormatArg[]): Finding => reject(ctx.profile.rules, rule, ctx.insnIdx, ...args);
export { CORE };

/** in_rbtree_lock_required_cb(): any frame above the entry is a callback of an rbtree kfunc (6.12.y walks all frames). */
export function inRbtreeCb(ctx: HookCtx): boolean {
  const frames = ctx.state.frames;
  for (let i = frames.length - 1; i > 0; i--) {
    const f = frames[i]!;
    if (!f.inCallbackFn || !f.callbackOf) continue;
    if (ctx.profile.kfuncs.get(f.callbackOf)?.rbtreeApi) return true;
  }
  return false;
}

/** ref_set_non_owning(): NON_OWN_REF, plus MEM_RCU when the object type has a bpf_refcount. */
export function setNonOwning(reg: RegState, rec: BtfRecord | null): void {
  reg.type |= F.NON_OWN_REF;
  if (rec && rec.refcountOff >= 0) reg.type |= F.MEM_RCU;
}

/** in_rcu_cs(): inside an RCU read-side region, under a lock (7.x: or preemption off), or not sleepable. */
export function inRcuCs(ctx: HookCtx): boolean {
  const s = ctx.state;
  return s.activeRcuLocks > 0 || !!s.activeLock || !ctx.prog.sleepable || (ctx.profile.switches.rcuCounted && s.activePreemptLock > 0);
}

/**
 * invalidate_rcu_protected_refs(): when RCU protection ends every MEM_RCU register becomes an
 * untrusted pointer (not NULL-checked any more); 7.x also drops NON_OWN_REF.
 */
export function demoteRcuRefs(ctx: HookCtx): void {
  const drop = F.MEM_RCU | F.PTR_MAYBE_NULL | (ctx.profile.switches.rcuCounted ? F.NON_OWN_REF : 0);
  forEachReg(ctx.state, (reg) => {
    if (reg.type & F.MEM_RCU) reg.type = (reg.type & ~drop) | F.PTR_UNTRUSTED;
  });
}
