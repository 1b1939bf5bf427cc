// Program type from an ELF section name, as libbpf's section_defs table maps it
// (tools/lib/bpf/libbpf.c). Matching mirrors sec_def_matches(): "x+" matches "x" or "x/anything",
// plain "x" matches only "x"; the first matching entry wins, so more specific entries come first.
import type { ProgType } from './types.js';

interface SecDef { sec: string; type: ProgType; sleepable?: boolean; attach?: boolean }

// Program types outside ProgType's list map to 'unknown' (the model has no ctx for them anyway).
const SECTION_DEFS: SecDef[] = [
  { sec: 'socket', type: 'socket_filter' },
  { sec: 'sk_reuseport/migrate', type: 'unknown' }, { sec: 'sk_reuseport', type: 'unknown' },
  { sec: 'kprobe+', type: 'kprobe', attach: true }, { sec: 'uprobe+', type: 'kprobe', attach: true },
  { sec: 'uprobe.s+', type: 'kprobe', attach: true, sleepable: true },
  { sec: 'kretprobe+', type: 'kprobe', attach: true }, { sec: 'uretprobe+', type: 'kprobe', attach: true },
  { sec: 'uretprobe.s+', type: 'kprobe', attach: true, sleepable: true },
  { sec: 'kprobe.multi+', type: 'kprobe', attach: true }, { sec: 'kretprobe.multi+', type: 'kprobe', attach: true },
  { sec: 'kprobe.session+', type: 'kprobe', attach: true },
  { sec: 'uprobe.multi+', type: 'kprobe', attach: true }, { sec: 'uretprobe.multi+', type: 'kprobe', attach: true },
  { sec: 'uprobe.multi.s+', type: 'kprobe', attach: true, sleepable: true },
  { sec: 'uretprobe.multi.s+', type: 'kprobe', attach: true, sleepable: true },
  { sec: 'ksyscall+', type: 'kprobe', attach: true }, { sec: 'kretsyscall+', type: 'kprobe', attach: true },
  { sec: 'usdt+', type: 'kprobe', attach: true }, { sec: 'usdt.s+', type: 'kprobe', attach: true, sleepable: true },
  { sec: 'tc/ingress', type: 'sched_cls' }, { sec: 'tc/egress', type: 'sched_cls' },
  { sec: 'tcx/ingress', type: 'sched_cls' }, { sec: 'tcx/egress', type: 'sched_cls' },
  { sec: 'tc', type: 'sched_cls' }, { sec: 'classifier', type: 'sched_cls' }, { sec: 'action', type: 'sched_act' },
  { sec: 'netkit/primary', type: 'sched_cls' }, { sec: 'netkit/peer', type: 'sched_cls' },
  { sec: 'tracepoint+', type: 'tracepoint', attach: true }, { sec: 'tp+', type: 'tracepoint', attach: true },
  { sec: 'raw_tracepoint+', type: 'raw_tracepoint', attach: true }, { sec: 'raw_tp+', type: 'raw_tracepoint', attach: true },
  { sec: 'raw_tracepoint.w+', type: 'raw_tracepoint_writable', attach: true }, { sec: 'raw_tp.w+', type: 'raw_tracepoint_writable', attach: true },
  { sec: 'tp_btf+', type: 'tracing', attach: true }, { sec: 'fentry+', type: 'tracing', attach: true },
  { sec: 'fmod_ret+', type: 'tracing', attach: true }, { sec: 'fexit+', type: 'tracing', attach: true },
  { sec: 'fentry.s+', type: 'tracing', attach: true, sleepable: true },
  { sec: 'fmod_ret.s+', type: 'tracing', attach: true, sleepable: true },
  { sec: 'fexit.s+', type: 'tracing', attach: true, sleepable: true },
  { sec: 'freplace+', type: 'unknown', attach: true },
  { sec: 'lsm+', type: 'lsm', attach: true }, { sec: 'lsm.s+', type: 'lsm', attach: true, sleepable: true },
  { sec: 'lsm_cgroup+', type: 'lsm', attach: true },
  { sec: 'iter+', type: 'tracing', attach: true }, { sec: 'iter.s+', type: 'tracing', attach: true, sleepable: true },
  { sec: 'syscall', type: 'syscall', sleepable: true },
  { sec: 'xdp.frags/devmap', type: 'xdp' }, { sec: 'xdp/devmap', type: 'xdp' },
  { sec: 'xdp.frags/cpumap', type: 'xdp' }, { sec: 'xdp/cpumap', type: 'xdp' },
  { sec: 'xdp.frags', type: 'xdp' }, { sec: 'xdp', type: 'xdp' },
  { sec: 'perf_event', type: 'perf_event' },
  { sec: 'cgroup_skb/ingress', type: 'cgroup_skb' }, { sec: 'cgroup_skb/egress', type: 'cgroup_skb' },
  { sec: 'cgroup/skb', type: 'cgroup_skb' },
  { sec: 'struct_ops+', type: 'struct_ops', attach: true }, { sec: 'struct_ops.s+', type: 'struct_ops', attach: true, sleepable: true },
];

export interface SectionInfo { progType: ProgType; attachTo: string | null; sleepable: boolean; known: boolean }

/** Classify a program section. Unknown sections give progType 'unknown', known = false. */
export function classifySection(section: string): SectionInfo {
  // A leading '?' marks a program libbpf does not autoload; the type is still read from the rest.
  const name = section.startsWith('?') ? section.slice(1) : section;
  for (const def of SECTION_DEFS) {
    if (def.sec.endsWith('+')) {
      const pfx = def.sec.slice(0, -1);
      if (name === pfx) return { progType: def.type, attachTo: null, sleepable: !!def.sleepable, known: true };
      if (name.startsWith(pfx + '/')) {
        return { progType: def.type, attachTo: def.attach ? name.slice(pfx.length + 1) : null, sleepable: !!def.sleepable, known: true };
      }
    } else if (name === def.sec) {
      return { progType: def.type, attachTo: null, sleepable: !!def.sleepable, known: true };
    }
  }
  // Other libbpf section types (sk_skb, sockops, cgroup/*, lwt_*, flow_dissector ...) are not
  // in ProgType: report them as unknown rather than guessing a ctx.
  return { progType: 'unknown', attachTo: null, sleepable: false, known: false };
}
