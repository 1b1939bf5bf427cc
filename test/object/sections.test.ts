// Section name -> program type, as libbpf's section_defs table maps it.
import t from 'tap';
import { classifySection } from '../../src/object/sections.js';

t.test('libbpf section table', async (t) => {
  const cases: [string, string, string | null, boolean][] = [
    ['tc', 'sched_cls', null, false], ['classifier', 'sched_cls', null, false], ['tc/ingress', 'sched_cls', null, false],
    ['tcx/egress', 'sched_cls', null, false], ['action', 'sched_act', null, false],
    ['syscall', 'syscall', null, true],
    ['tp/sched/sched_switch', 'tracepoint', 'sched/sched_switch', false], ['tracepoint/syscalls/sys_enter_open', 'tracepoint', 'syscalls/sys_enter_open', false],
    ['raw_tp/sys_enter', 'raw_tracepoint', 'sys_enter', false],
    ['fentry/bpf_fentry_test1', 'tracing', 'bpf_fentry_test1', false], ['fexit/x', 'tracing', 'x', false],
    ['fmod_ret/x', 'tracing', 'x', false], ['fentry.s/x', 'tracing', 'x', true], ['tp_btf/sched_switch', 'tracing', 'sched_switch', false],
    ['xdp', 'xdp', null, false], ['xdp.frags', 'xdp', null, false],
    ['kprobe/do_sys_open', 'kprobe', 'do_sys_open', false], ['uprobe.s/bin:fn', 'kprobe', 'bin:fn', true],
    ['lsm/file_open', 'lsm', 'file_open', false], ['lsm.s/file_open', 'lsm', 'file_open', true],
    ['struct_ops/x', 'struct_ops', 'x', false], ['cgroup_skb/ingress', 'cgroup_skb', null, false],
    ['socket', 'socket_filter', null, false], ['perf_event', 'perf_event', null, false],
    ['?tc', 'sched_cls', null, false],
  ];
  for (const [sec, type, attach, sleepable] of cases) {
    t.match(classifySection(sec), { progType: type, attachTo: attach, sleepable, known: true }, sec);
  }
  // "x" (no '+') matches only exactly; "x+" needs "x" or "x/...".
  t.match(classifySection('tcfoo'), { progType: 'unknown', known: false });
  t.match(classifySection('syscall/x'), { progType: 'unknown', known: false });
  t.match(classifySection('fentryx'), { progType: 'unknown', known: false });
  t.match(classifySection('sockops'), { progType: 'unknown', known: false }, 'a libbpf type outside ProgType');
});
