// map_check_btf() (kernel/bpf/syscall.c): the btf_record of a map value or global-data section,
// with the map-type restrictions, computed from program BTF like records.ts does for structs.
import type { Btf } from '../../btf/types.js';
import type { BpfMap } from '../../object/types.js';
import { BPF_MAP_TYPE } from '../helpers.js';
import { MAP_MASK, checkRoots, fieldTypeName, parseFields, type BtfRecord, type KernelTypes, type RecordError } from './records.js';

const EOPNOTSUPP = 95;

/**
 * map_check_btf(): the record of a map's value (or datasec). What the kernel does with a bad value
 * type is subtle: a btf_parse_fields() error does NOT fail BPF_MAP_CREATE (map->record keeps the
 * ERR_PTR, which every later btf_record_has_field() reads as "no fields"), while a field in an
 * unsupported map type (-EOPNOTSUPP) or a graph root whose value type has no struct meta
 * (-EFAULT, btf_check_and_fixup_fields) does; libbpf then retries without BTF.
 */
export type MapRecordResult =
  | { ok: true; record: BtfRecord | null; ignored: RecordError | null }
  | { ok: false; error: RecordError };

export function mapRecord(btf: Btf, map: BpfMap, metas: Map<number, BtfRecord>, kernelTypes?: KernelTypes): MapRecordResult {
  if (map.valueTypeId === null || map.valueSize === null) return { ok: true, record: null, ignored: null };
  const res = parseFields(btf, map.valueTypeId, MAP_MASK, map.valueSize, kernelTypes);
  if (!res.ok) return { ok: true, record: null, ignored: res.error };
  if (!res.record) return { ok: true, record: null, ignored: null };
  const mt = map.mapType ?? BPF_MAP_TYPE.ARRAY;
  const ok = (types: number[]) => types.includes(mt);
  const M = BPF_MAP_TYPE;
  for (const f of res.record.fields) {
    let allowed = true;
    switch (f.type) {
      case 'spin_lock': allowed = ok([M.HASH, M.ARRAY, M.CGROUP_STORAGE, M.SK_STORAGE, M.INODE_STORAGE, M.TASK_STORAGE, M.CGRP_STORAGE]); break;
      case 'timer': case 'wq': allowed = ok([M.HASH, M.LRU_HASH, M.ARRAY]); break;
      case 'kptr_unref': case 'kptr_ref': case 'kptr_percpu': case 'refcount':
        allowed = ok([M.HASH, M.PERCPU_HASH, M.LRU_HASH, M.LRU_PERCPU_HASH, M.ARRAY, M.PERCPU_ARRAY, M.SK_STORAGE, M.INODE_STORAGE, M.TASK_STORAGE, M.CGRP_STORAGE]); break;
      case 'list_head': case 'rb_root': allowed = ok([M.HASH, M.LRU_HASH, M.ARRAY]); break;
      case 'list_node': case 'rb_node': allowed = false; break;
    }
    if (!allowed) return { ok: false, error: { rule: 'map.create.graph_root_map_type', errno: EOPNOTSUPP, detail: `map '${map.name}': ${fieldTypeName(f.type)} not supported in map type ${mt}` } };
  }
  const err = checkRoots(btf, res.record, metas);
  return err ? { ok: false, error: err } : { ok: true, record: res.record, ignored: null };
}
