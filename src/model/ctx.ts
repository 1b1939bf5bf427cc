// The ctx (R1 at entry) of each program type, as data: which (offset, size) loads/stores the
// kernel's is_valid_access callback allows, and what a load yields. Mirrors
// tc_cls_act_is_valid_access / xdp_is_valid_access (net/core/filter.c), tp_prog_is_valid_access
// and tracing_prog_is_valid_access (kernel/trace/bpf_trace.c), syscall_prog_is_valid_access.
// What the model does not model (packet pointers, BTF-typed fentry args, narrow loads of
// __sk_buff fields) is `unsupported`, never a guess.
import type { ProgType } from '../object/types.js';

export type CtxAnswer =
  | { kind: 'scalar' }                     // the load yields an unknown scalar (the store is allowed)
  | { kind: 'invalid' }                    // "invalid bpf_context access off=%d size=%d"
  | { kind: 'unsupported'; what: string };

interface Field { off: number; size: number; name: string; write?: boolean; pointer?: boolean }

/** struct __sk_buff (include/uapi/linux/bpf.h), as tc programs see it. */
const SK_BUFF: Field[] = [
  { off: 0, size: 4, name: 'len' }, { off: 4, size: 4, name: 'pkt_type' }, { off: 8, size: 4, name: 'mark', write: true },
  { off: 12, size: 4, name: 'queue_mapping', write: true }, { off: 16, size: 4, name: 'protocol' },
  { off: 20, size: 4, name: 'vlan_present' }, { off: 24, size: 4, name: 'vlan_tci' }, { off: 28, size: 4, name: 'vlan_proto' },
  { off: 32, size: 4, name: 'priority', write: true }, { off: 36, size: 4, name: 'ingress_ifindex' },
  { off: 40, size: 4, name: 'ifindex' }, { off: 44, size: 4, name: 'tc_index', write: true },
  ...[0, 1, 2, 3, 4].map((i) => ({ off: 48 + 4 * i, size: 4, name: `cb[${i}]`, write: true })),
  { off: 68, size: 4, name: 'hash' }, { off: 72, size: 4, name: 'tc_classid', write: true },
  { off: 76, size: 4, name: 'data', pointer: true }, { off: 80, size: 4, name: 'data_end', pointer: true },
  { off: 84, size: 4, name: 'napi_id' }, { off: 88, size: 4, name: 'family' }, { off: 92, size: 4, name: 'remote_ip4' },
  { off: 96, size: 4, name: 'local_ip4' },
  ...[0, 1, 2, 3].map((i) => ({ off: 100 + 4 * i, size: 4, name: `remote_ip6[${i}]` })),
  ...[0, 1, 2, 3].map((i) => ({ off: 116 + 4 * i, size: 4, name: `local_ip6[${i}]` })),
  { off: 132, size: 4, name: 'remote_port' }, { off: 136, size: 4, name: 'local_port' },
  { off: 140, size: 4, name: 'data_meta', pointer: true }, { off: 144, size: 8, name: 'flow_keys', pointer: true },
  { off: 152, size: 8, name: 'tstamp', write: true }, { off: 160, size: 4, name: 'wire_len' }, { off: 164, size: 4, name: 'gso_segs' },
  { off: 168, size: 8, name: 'sk', pointer: true }, { off: 176, size: 4, name: 'gso_size' },
  { off: 184, size: 8, name: 'hwtstamp' },
];
const SK_BUFF_SIZE = 192;

/** struct xdp_md. */
const XDP_MD: Field[] = [
  { off: 0, size: 4, name: 'data', pointer: true }, { off: 4, size: 4, name: 'data_end', pointer: true },
  { off: 8, size: 4, name: 'data_meta', pointer: true }, { off: 12, size: 4, name: 'ingress_ifindex' },
  { off: 16, size: 4, name: 'rx_queue_index' }, { off: 20, size: 4, name: 'egress_ifindex' },
];
const XDP_MD_SIZE = 24;

function fieldAccess(fields: Field[], total: number, off: number, size: number, write: boolean, what: string): CtxAnswer {
  if (off < 0 || off + size > total || off % size !== 0) return { kind: 'invalid' };
  const f = fields.find((x) => off >= x.off && off < x.off + x.size);
  if (!f) return { kind: 'invalid' };
  if (f.pointer) return { kind: 'unsupported', what: `${what}->${f.name} (packet/socket pointers)` };
  if (off !== f.off || size !== f.size) return { kind: 'unsupported', what: `narrow ctx access ${what}->${f.name} size ${size}` };
  if (write && !f.write) return { kind: 'invalid' };
  return { kind: 'scalar' };
}

/** The kernel's answer for a load/store of `size` bytes at ctx offset `off` for this program type. */
export function ctxAccess(progType: ProgType, off: number, size: number, write: boolean): CtxAnswer {
  switch (progType) {
    case 'sched_cls': case 'sched_act':
      return fieldAccess(SK_BUFF, SK_BUFF_SIZE, off, size, write, '__sk_buff');
    case 'cgroup_skb': {
      // cg_skb_is_valid_access: tc_classid, data_meta, wire_len unreadable; writes to mark, priority, cb[], tstamp only
      const f = SK_BUFF.find((x) => off >= x.off && off < x.off + x.size);
      if (f && ['tc_classid', 'data_meta', 'wire_len'].includes(f.name)) return { kind: 'invalid' };
      if (write && !(f && (f.name === 'mark' || f.name === 'priority' || f.name.startsWith('cb[') || f.name === 'tstamp'))) return { kind: 'invalid' };
      return fieldAccess(SK_BUFF.map((x) => ({ ...x, write: true })), SK_BUFF_SIZE, off, size, write, '__sk_buff');
    }
    case 'xdp':
      if (write) return { kind: 'invalid' };
      return fieldAccess(XDP_MD, XDP_MD_SIZE, off, size, write, 'xdp_md');
    case 'tracepoint':
      // tp_prog_is_valid_access: read-only, aligned, inside PERF_MAX_TRACE_SIZE (2048)
      if (write || off < 0 || off >= 2048 || off % size !== 0) return { kind: 'invalid' };
      return { kind: 'scalar' };
    case 'syscall':
      // syscall_prog_is_valid_access: read-only, aligned, below U16_MAX; the ctx is user memory
      if (write || off < 0 || off >= 0xffff || off % size !== 0) return { kind: 'invalid' };
      return { kind: 'scalar' };
    case 'tracing': case 'raw_tracepoint': case 'kprobe': case 'perf_event': case 'socket_filter':
    case 'struct_ops': case 'lsm': case 'raw_tracepoint_writable': case 'unknown':
      return { kind: 'unsupported', what: `ctx access for program type ${progType}` };
  }
}

/** Program types the model walks at all. */
export const MODELLED_PROG_TYPES = new Set<ProgType>(['sched_cls', 'sched_act', 'xdp', 'tracepoint', 'syscall', 'tracing', 'raw_tracepoint', 'kprobe', 'socket_filter', 'cgroup_skb']);
