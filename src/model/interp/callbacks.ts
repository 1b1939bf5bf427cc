// The hook context at an instruction and push_callback_call: a hook (graph rules) or a helper
// (bpf_loop) that asks for a callback gets a copy of the state with a new frame running it,
// queued like a branch. Below the instruction modules (mem, call, helper-call import it).
import type { CallbackSpec, HookCtx } from '../hooks.js';
import { cloneState, curFrame, newFrame } from '../state.js';
import { hookCtx, type Env, type Path } from './env.js';

/** The hook context at instruction idx; a callback a hook asks for is pushed as a new frame. */
export const hookCtxAt = (env: Env, path: Path, idx: number): HookCtx =>
  hookCtx(env, path, idx, (spec) => pushCallbackFrame(env, path, idx, spec));

/** push_callback_call: queue a copy of the state with a new frame running the callback. */
export function pushCallbackFrame(env: Env, path: Path, idx: number, spec: CallbackSpec): void {
  const cb = cloneState(path.state);
  const caller = curFrame(cb);
  const callee = newFrame(cb.frames.length, idx, spec.subprog);
  callee.inCallbackFn = true;
  callee.callbackOf = spec.callbackOf;
  callee.callbackRetRange = spec.retRange;
  spec.setup(callee, caller, cb);
  cb.frames.push(callee);
  cb.callbackUnrollDepth = (cb.callbackUnrollDepth ?? 0) + 1;
  env.callbackSites.add(idx);
  env.pending.push({ state: cb, insn: env.prog.funcs[spec.subprog]!.start, parent: path.parent });
  if (path.parent) path.parent.branches++;
}
