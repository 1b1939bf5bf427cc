// Helper functions the model knows, as data: id, name, argument kinds, return kind, and the
// program types whose func_proto offers them (privileged loader). Mirrors the bpf_func_proto
// tables (kernel/bpf/helpers.c, kernel/trace/bpf_trace.c, net/core/filter.c) for the common
// helpers; any other helper id makes the program `unsupported` naming it.
import { helperName as bpfHelperName } from '../bpf/helpers.js';
import type { ProgType } from '../object/types.js';

export type ArgKind =
  | 'const_map_ptr'      // ARG_CONST_MAP_PTR
  | 'map_key'            // ARG_PTR_TO_MAP_KEY (key_size bytes readable)
  | 'map_value'          // ARG_PTR_TO_MAP_VALUE (value_size bytes readable)
  | 'anything'           // ARG_ANYTHING
  | 'mem_rdonly'         // ARG_PTR_TO_MEM | MEM_RDONLY, size in the next arg
  | 'uninit_mem'         // ARG_PTR_TO_UNINIT_MEM, size in the next arg (written)
  | 'const_size'         // ARG_CONST_SIZE
  | 'const_size_or_zero' // ARG_CONST_SIZE_OR_ZERO
  | 'func'               // ARG_PTR_TO_FUNC (a static subprog address: ld_imm64 BPF_PSEUDO_FUNC)
  | 'stack_or_null'      // ARG_PTR_TO_STACK_OR_NULL
  | 'alloc_size_const'   // ARG_CONST_ALLOC_SIZE_OR_ZERO (a known constant)
  | 'ringbuf_mem_release'; // ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE

export type RetKind = 'integer' | 'map_value_or_null' | 'void' | 'ringbuf_mem_or_null';

export interface HelperSpec {
  id: number;
  name: string;
  args: ArgKind[];
  ret: RetKind;
  /** 'base' = bpf_base_func_proto (every program type); otherwise the program types offering it. */
  progTypes: 'base' | ProgType[];
  /** The helper runs a callback (push_callback_call): 'loop' = set_loop_callback_state. */
  callback?: 'loop';
  /** Map types the map argument may have (check_map_func_compatibility); absent = plain maps. */
  mapTypes?: number[];
  /** is_acquire_function: R0 holds a new reference. */
  acquire?: boolean;
  /** bpf_func_proto.gpl_only: refused to programs whose licence is not GPL-compatible. */
  gplOnly?: boolean;
}

/** enum bpf_map_type (uapi bpf.h): the map types the model's rules name. */
export const BPF_MAP_TYPE = {
  HASH: 1, ARRAY: 2, PERCPU_HASH: 5, PERCPU_ARRAY: 6, LRU_HASH: 9, LRU_PERCPU_HASH: 10, ARRAY_OF_MAPS: 12, HASH_OF_MAPS: 13,
  CGROUP_STORAGE: 19, SK_STORAGE: 24, RINGBUF: 27, INODE_STORAGE: 28, TASK_STORAGE: 29, CGRP_STORAGE: 32,
} as const;

const TRACING: ProgType[] = ['kprobe', 'tracepoint', 'raw_tracepoint', 'perf_event', 'tracing', 'syscall'];

const h = (id: number, name: string, args: ArgKind[], ret: RetKind, progTypes: HelperSpec['progTypes'] = 'base'): HelperSpec =>
  ({ id, name, args, ret, progTypes });

export const HELPERS: HelperSpec[] = [
  h(1, 'bpf_map_lookup_elem', ['const_map_ptr', 'map_key'], 'map_value_or_null'),
  h(2, 'bpf_map_update_elem', ['const_map_ptr', 'map_key', 'map_value', 'anything'], 'integer'),
  h(3, 'bpf_map_delete_elem', ['const_map_ptr', 'map_key'], 'integer'),
  h(5, 'bpf_ktime_get_ns', [], 'integer'),
  { ...h(6, 'bpf_trace_printk', ['mem_rdonly', 'const_size'], 'integer'), gplOnly: true },
  h(7, 'bpf_get_prandom_u32', [], 'integer'),
  h(8, 'bpf_get_smp_processor_id', [], 'integer'),
  h(14, 'bpf_get_current_pid_tgid', [], 'integer'),
  h(15, 'bpf_get_current_uid_gid', [], 'integer', TRACING),
  h(16, 'bpf_get_current_comm', ['uninit_mem', 'const_size'], 'integer', TRACING),
  h(42, 'bpf_get_numa_node_id', [], 'integer'),
  h(125, 'bpf_ktime_get_boot_ns', [], 'integer'),
  h(160, 'bpf_ktime_get_coarse_ns', [], 'integer', [...TRACING, 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb', 'socket_filter']),
  h(208, 'bpf_ktime_get_tai_ns', [], 'integer'),
  { ...h(130, 'bpf_ringbuf_output', ['const_map_ptr', 'mem_rdonly', 'const_size_or_zero', 'anything'], 'integer'), mapTypes: [BPF_MAP_TYPE.RINGBUF] },
  { ...h(131, 'bpf_ringbuf_reserve', ['const_map_ptr', 'alloc_size_const', 'anything'], 'ringbuf_mem_or_null'), mapTypes: [BPF_MAP_TYPE.RINGBUF], acquire: true },
  h(132, 'bpf_ringbuf_submit', ['ringbuf_mem_release', 'anything'], 'void'),
  h(133, 'bpf_ringbuf_discard', ['ringbuf_mem_release', 'anything'], 'void'),
  { ...h(181, 'bpf_loop', ['anything', 'func', 'stack_or_null', 'anything'], 'integer'), callback: 'loop' },
  // bpf_base_func_proto's perfmon part (the loader is privileged); probe_read_kernel unless locked down
  { ...h(113, 'bpf_probe_read_kernel', ['uninit_mem', 'const_size_or_zero', 'anything'], 'integer'), gplOnly: true },
  // check_map_func_compatibility: per-CPU maps only
  { ...h(195, 'bpf_map_lookup_percpu_elem', ['const_map_ptr', 'map_key', 'anything'], 'map_value_or_null'),
    mapTypes: [BPF_MAP_TYPE.PERCPU_HASH, BPF_MAP_TYPE.PERCPU_ARRAY, BPF_MAP_TYPE.LRU_PERCPU_HASH] },
];

const BY_ID = new Map(HELPERS.map((x) => [x.id, x]));
export const helperById = (id: number): HelperSpec | undefined => BY_ID.get(id);

/** func_id_name: "bpf_map_lookup_elem" for a known id (the 6.12 name table in bpf/helpers.ts),
 * null for 0 and past the last helper (kernel: "invalid func unknown#%d"). */
export function helperName(id: number): string | null {
  return id > 0 ? bpfHelperName(id) : null;
}

/** Map types whose lookup/update/delete the model models (plain memory values). */
const M = BPF_MAP_TYPE;
export const PLAIN_MAP_TYPES = new Set<number>([M.HASH, M.ARRAY, M.PERCPU_HASH, M.PERCPU_ARRAY, M.LRU_HASH, M.LRU_PERCPU_HASH]);
