// Checks the kernel makes before it walks the program, while resolving ld_imm64 map references
// (resolve_pseudo_ldimm64 -> check_map_prog_compatibility): graph roots and spin locks in maps
// are refused to tracing program types. Run once per program, before the walk.
import type { BpfObject, BpfProgram, ProgType } from '../../object/types.js';
import type { Finding } from '../finding.js';
import { reject } from '../finding.js';
import { loadContext } from './context.js';
import type { Profile } from '../../profiles/index.js';

/** is_tracing_prog_type(): KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT(_WRITABLE). */
const TRACING: readonly ProgType[] = ['kprobe', 'tracepoint', 'perf_event', 'raw_tracepoint', 'raw_tracepoint_writable'];

export function graphPrecheck(obj: BpfObject, prog: BpfProgram, profile: Profile): Finding | null {
  const lc = loadContext(obj, profile);
  const idxs = [...prog.relocs.keys()].sort((a, b) => a - b);
  for (const idx of idxs) {
    const rel = prog.relocs.get(idx)!;
    if (rel.kind !== 'map' && rel.kind !== 'map_value') continue;
    const rec = lc.map(rel.map).record;
    if (!rec) continue;
    const tracing = TRACING.includes(prog.progType);
    if ((rec.has('list_head') || rec.has('rb_root')) && tracing) return reject(profile.rules, 'graph.prog.tracing_graph_root', idx);
    if (rec.has('spin_lock')) {
      if (prog.progType === 'socket_filter') return reject(profile.rules, 'graph.prog.socket_filter_spin_lock', idx);
      if (tracing) return reject(profile.rules, 'graph.prog.tracing_spin_lock', idx);
    }
  }
  return null;
}
