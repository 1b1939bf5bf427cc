// What the kernel knows about an object's types before the verifier starts: the program BTF's
// struct metas (BPF_BTF_LOAD) and each map's btf_record (BPF_MAP_CREATE). Computed once per
// object (pure, memoised). When the kernel refuses the BTF or a map's BTF, libbpf carries on
// without it (".BTF ... BTF is optional, ignoring" / "Retrying without BTF"), so the program is
// then verified with no program BTF / a map without record: that is what this context records.
import type { BpfMap, BpfObject } from '../../object/types.js';
import { T, F, baseType, typeIsPtrAllocObj, type RegState } from '../state.js';
import { structMetas, type BtfRecord, type KernelTypes, type RecordError } from './records.js';
import { mapRecord } from './map-records.js';
import type { Profile } from '../../profiles/index.js';

export interface MapInfo {
  /** The map was created with BTF (value type known to the kernel). */
  hasBtf: boolean;
  record: BtfRecord | null;
  /** Why the value's record is unusable: BPF_MAP_CREATE refused the BTF (hasBtf false, libbpf
   *  created the map without it), or accepted it with an error record (hasBtf true, record null). */
  error: RecordError | null;
}

export interface LoadContext {
  /** BPF_BTF_LOAD succeeded: the program is loaded with its BTF. */
  btfLoaded: boolean;
  btfError: RecordError | null;
  metas: Map<number, BtfRecord>;
  map(m: BpfMap): MapInfo;
}

const cache = new WeakMap<BpfObject, Map<Profile, LoadContext>>();
/** What loading `obj` left the verifier, on a kernel of the profile's line (its struct names). */
export function loadContext(obj: BpfObject, profile: Profile): LoadContext {
  const perLine = cache.get(obj) ?? new Map<Profile, LoadContext>();
  cache.set(obj, perLine);
  const hit = perLine.get(profile);
  if (hit) return hit;
  const btf = obj.btf;
  const kernelTypes: KernelTypes = profile.kernelType;
  const res = btf ? structMetas(btf, kernelTypes) : null;
  const btfLoaded = !!res?.ok;
  const metas = res?.ok ? res.metas : new Map<number, BtfRecord>();
  const maps = new Map<BpfMap, MapInfo>();
  const info = (m: BpfMap): MapInfo => {
    const known = maps.get(m);
    if (known) return known;
    let mi: MapInfo;
    if (!btf || !btfLoaded || m.valueTypeId === null) mi = { hasBtf: false, record: null, error: null };
    else {
      const r = mapRecord(btf, m, metas, kernelTypes);
      mi = r.ok ? { hasBtf: true, record: r.record, error: r.ignored } : { hasBtf: false, record: null, error: r.error };
    }
    maps.set(m, mi);
    return mi;
  };
  const lc: LoadContext = { btfLoaded, btfError: res && !res.ok ? res.error : null, metas, map: info };
  perLine.set(profile, lc);
  return lc;
}

/** reg_btf_record(): the record of what `reg` points into (map value or local object), or null. */
export function regRecord(lc: LoadContext, reg: RegState): BtfRecord | null {
  if (reg.type === T.PTR_TO_MAP_VALUE) return reg.map ? lc.map(reg.map).record : null;
  if (typeIsPtrAllocObj(reg.type) && reg.btf?.btf === 'prog') return lc.metas.get(reg.btf.id) ?? null;
  return null;
}

/** The struct meta record of a program-BTF struct id. */
export const metaOf = (lc: LoadContext, id: number): BtfRecord | null => lc.metas.get(id) ?? null;

const TRUSTED_MODIFIERS = F.MEM_ALLOC | F.PTR_TRUSTED | F.NON_OWN_REF;
const REG2BTF_IDS = new Set<number>([T.PTR_TO_SOCKET, T.PTR_TO_SOCK_COMMON, T.PTR_TO_TCP_SOCK, T.CONST_PTR_TO_MAP]);
const flagsOf = (t: number): number => t & ~0xff;
const hasUnsafeModifiers = (t: number): boolean => (flagsOf(t) & ~TRUSTED_MODIFIERS) !== 0;

/** is_trusted_reg() */
export function isTrustedReg(reg: RegState): boolean {
  if (reg.refObjId) return true;
  if (REG2BTF_IDS.has(baseType(reg.type)) && !hasUnsafeModifiers(reg.type)) return true;
  return (flagsOf(reg.type) & TRUSTED_MODIFIERS) !== 0 && !hasUnsafeModifiers(reg.type);
}
/** is_rcu_reg() */
export const isRcuReg = (reg: RegState): boolean => (reg.type & F.MEM_RCU) !== 0;

/**
 * The lock identity of a register (active_lock.ptr): the map for map values (inner-map lookups
 * share the inner map template), the program BTF for local objects. null for other types.
 */
export function lockPtr(reg: RegState): string | null {
  if (reg.type === T.PTR_TO_MAP_VALUE) return reg.map ? `map:${reg.map.section}:${reg.map.name}` : null;
  if (reg.type === (T.PTR_TO_BTF_ID | F.MEM_ALLOC)) return 'btf:prog';
  return null;
}
