// A line's kfunc table, built from what its tree says (BTF_ID_FLAGS flags, the C prototype's
// parameter names and types, the set a kfunc is registered in) and the line's hand-written roles
// (what check_kfunc_call does with each graph kfunc). A kfunc without a role is not in the table:
// the model answers `unsupported` for it, never a guess.
import type { ProgType } from '../object/types.js';
import type { KfuncArg, KfuncFlag, KfuncRole, KfuncSpec, TreeKfunc } from './types.js';

const SCALAR_SIZE: Record<string, number> = {
  u64: 8, s64: 8, 'unsigned long': 8, long: 8, 'unsigned long long': 8, 'long long': 8, __u64: 8, size_t: 8,
  u32: 4, s32: 4, int: 4, 'unsigned int': 4, __u32: 4, u16: 2, s16: 2, u8: 1, s8: 1, bool: 1,
};

/** Parameters the verifier supplies for KF_IMPLICIT_ARGS kfuncs (resolve_btfids strips from them on). */
const isImplicitType = (type: string): boolean => type === 'struct btf_struct_meta *' || type === 'struct bpf_prog_aux *';

/** get_kfunc_ptr_arg_type()'s classification of one parameter (by name suffix, then by type). */
export function argKind(p: { type: string; name: string }): KfuncArg {
  const { name, type } = p;
  if (name.endsWith('__ign')) return { kind: 'ignore', name };
  if (name.endsWith('__k')) return { kind: 'const', name, size: SCALAR_SIZE[type] ?? 8 };
  if (type in SCALAR_SIZE) return { kind: 'scalar', name, size: SCALAR_SIZE[type]! };
  if (name.endsWith('__alloc')) return { kind: 'alloc', name };
  if (name.endsWith('__refcounted_kptr')) return { kind: 'refcounted_kptr', name };
  if (type === 'struct bpf_list_head *') return { kind: 'list_head', name };
  if (type === 'struct bpf_list_node *') return { kind: 'list_node', name, nonOwnAllowed: name.endsWith('__nonown_allowed') };
  if (type === 'struct bpf_rb_root *') return { kind: 'rb_root', name };
  if (type === 'struct bpf_rb_node *') return { kind: 'rb_node', name };
  if (type.endsWith('(*)()')) return { kind: 'callback', name };
  return { kind: 'other', name, type };
}

/**
 * The argument kinds the verifier checks. For KF_IMPLICIT_ARGS the checked prototype is the
 * `<name>_impl` one (fetch_kfunc_meta -> find_kfunc_impl_proto): the legacy registered `_impl`
 * kfunc when there is one, else the function's own full prototype; arguments at or past the
 * stripped prototype's count (parameters before the first implicit one) are implicit.
 */
export function checkedArgs(k: TreeKfunc, byName: ReadonlyMap<string, TreeKfunc>): KfuncArg[] {
  if (!k.flags.includes('KF_IMPLICIT_ARGS')) return k.params.map(argKind);
  const argn = k.params.findIndex((p) => isImplicitType(p.type));
  const full = byName.get(`${k.name}_impl`)?.params ?? k.params;
  return full.map((p, i) => (argn >= 0 && i >= argn ? { kind: 'implicit', name: p.name } : argKind(p)));
}

export interface KfuncTableInput {
  kfuncs: readonly TreeKfunc[];
  roles: Readonly<Record<string, KfuncRole>>;
  /** Program types of each registered set (kfunc_init + bpf_prog_type_to_kfunc_hook). */
  setProgTypes: Readonly<Record<string, readonly ProgType[] | 'all'>>;
  /** May the kfunc be called while a bpf_spin_lock is held on this line. */
  lockAllowed: (k: TreeKfunc) => boolean;
}

export function kfuncTable(i: KfuncTableInput): Map<string, KfuncSpec> {
  const byName = new Map(i.kfuncs.map((k) => [k.name, k]));
  const out = new Map<string, KfuncSpec>();
  for (const [name, role] of Object.entries(i.roles)) {
    const k = byName.get(name);
    if (!k) throw new Error(`kfunc role ${name} names no kfunc of the tree`);
    const progTypes = i.setProgTypes[k.set];
    if (!progTypes) throw new Error(`kfunc ${name}: no program types for set ${k.set}`);
    out.set(name, {
      name, flags: k.flags as KfuncFlag[], args: checkedArgs(k, byName), ret: role.ret, effect: role.effect,
      lockAllowed: i.lockAllowed(k), rbtreeApi: role.rbtreeApi ?? false, progTypes,
      ...(role.callbackArg === undefined ? {} : { callbackArg: role.callbackArg }),
    });
  }
  return out;
}

/**
 * kfunc_spin_allowed() of lines that read the kfunc's own flags (7.x): fetch_kfunc_meta finds no
 * flags for a kfunc not registered for the program type's hook (false), else KF_SPINLOCK_SAFE;
 * null (flags unknown) for a kfunc the tree does not register or a set or type the table lacks.
 */
export function spinLockSafe(kfuncs: readonly TreeKfunc[], setProgTypes: KfuncTableInput['setProgTypes']): (name: string, progType: ProgType) => boolean | null {
  const byName = new Map(kfuncs.map((k) => [k.name, k]));
  return (name, progType) => {
    const k = byName.get(name);
    const types = k ? setProgTypes[k.set] : undefined;
    if (!k || !types || progType === 'unknown') return null;
    if (types !== 'all' && !types.includes(progType)) return false;
    return k.flags.includes('KF_SPINLOCK_SAFE');
  };
}

export const hasFlag = (s: KfuncSpec, f: KfuncFlag): boolean => s.flags.includes(f);
