// The graph rules' questions about a kfunc of the profile's table (src/profiles: flags and
// argument kinds from the line's tree, roles by hand). A kfunc missing from the table is
// `unsupported` in the model, never guessed.
import type { ProgType } from '../../object/types.js';
import type { KfuncSpec } from '../../profiles/index.js';

export { hasFlag } from '../../profiles/kfuncs.js';
export type { KfuncSpec, KfuncArg, KfuncFlag } from '../../profiles/index.js';

/** Is the kfunc registered for this program type; null when the type is unknown to the model. */
export function kfuncAllowedFor(spec: KfuncSpec, progType: ProgType): boolean | null {
  if (progType === 'unknown') return null;
  return spec.progTypes === 'all' || spec.progTypes.includes(progType);
}

/** is_kfunc_trusted_args() of 6.12: KF_TRUSTED_ARGS or KF_RELEASE. */
export const isTrustedArgs = (s: KfuncSpec): boolean => s.flags.includes('KF_TRUSTED_ARGS') || s.flags.includes('KF_RELEASE');
