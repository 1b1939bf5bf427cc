// The seam between the readers (ELF/BTF/instructions) and everything that consumes a BPF object:
// the model, the expectation reader, the corpus runner. Plain data only.
// Owned by the readers; extend with care (add fields, do not rename).
import type { Btf } from '../btf/types.js';
import type { Insn } from '../bpf/insn.js';

/** A BPF object file as libbpf would see it after open + relocation (no kernel). */
export interface BpfObject {
  file: string;                 // path as given (for messages)
  btf: Btf | null;              // program BTF (.BTF)
  maps: BpfMap[];               // .maps section maps AND global-data maps (.bss/.data/.rodata/.data.X/.bss.X)
  programs: BpfProgram[];       // entry programs (functions in non-.text executable sections)
  license: string | null;
}

export interface BpfMap {
  name: string;                 // as libbpf names it: "my_map", or "<obj>.bss"-style for datasecs is NOT used; use the section name (".bss", ".data.A")
  kind: 'map' | 'datasec';
  section: string;              // ".maps" or the data section name
  mapType: number | null;       // BPF_MAP_TYPE_* for .maps; 2 (ARRAY) for datasecs
  keySize: number | null;
  valueSize: number | null;
  maxEntries: number | null;
  keyTypeId: number | null;     // program-BTF ids when declared with __type(key, ...) / __type(value, ...)
  valueTypeId: number | null;   // for datasecs: the DATASEC type id
  innerMap?: BpfMap | null;     // for map-in-map (__array(values, ...))
  /** Global-data maps of a PROGBITS section (.data*, .rodata*): the section's bytes, the map's
   *  initial value (the verifier reads frozen read-only maps as constants). Absent for .bss/.kconfig. */
  initialData?: Uint8Array;
}

export interface BpfProgram {
  name: string;                 // entry function name
  section: string;              // ELF section, e.g. "tc", "syscall", "fentry/bpf_fentry_test1"
  progType: ProgType;           // from the section name, as libbpf's section table maps it
  attachTo: string | null;      // e.g. the fentry target
  sleepable: boolean;           // ".s" section suffixes
  /** Main program followed by every subprogram it calls, appended as libbpf does; indices are final. */
  insns: Insn[];
  /** Subprogram boundaries in `insns` (the entry is funcs[0] with start 0). */
  funcs: FuncInfo[];
  /** Per-instruction relocations/resolutions, keyed by instruction index. */
  relocs: Map<number, InsnReloc>;
  /** Source line for an instruction index, when BTF.ext line_info has one. */
  lines: Map<number, { file: string; line: number; text: string }>;
  /** test_loader-style decl tags on the entry function ("comment:test_expect_msg=..." etc.), raw, in BTF order. */
  declTags: string[];
}

export interface FuncInfo {
  name: string;
  start: number;                // first instruction index in BpfProgram.insns
  end: number;                  // one past the last
  btfTypeId: number | null;     // FUNC type id in program BTF
  linkage: 'static' | 'global' | 'extern';
}

/** What a relocated instruction refers to. */
export type InsnReloc =
  | { kind: 'map'; map: BpfMap }                               // ld_imm64 BPF_PSEUDO_MAP_FD
  | { kind: 'map_value'; map: BpfMap; offset: number }         // ld_imm64 BPF_PSEUDO_MAP_VALUE (global data), offset into the value
  | { kind: 'subprog'; target: number; name: string }          // call (BPF_PSEUDO_CALL) or ld_imm64 BPF_PSEUDO_FUNC; target insn index
  | { kind: 'kfunc'; name: string; btfTypeId: number | null }  // call to a __ksym extern function (program BTF FUNC/FUNC_PROTO id of the extern)
  | { kind: 'ksym'; name: string }                             // ld_imm64 of a __ksym variable
  /**
   * CO-RE (e.g. bpf_core_type_id_local for bpf_obj_new). `unresolved`: why the value libbpf patches
   * in is unknown to the model; `poisoned`: libbpf replaced the insn (its name for the relocation).
   */
  | { kind: 'core'; accessStr: string; relo: number; localTypeId: number; unresolved?: string; poisoned?: string };

export type ProgType =
  | 'sched_cls' | 'sched_act' | 'xdp' | 'syscall' | 'tracepoint' | 'raw_tracepoint' | 'raw_tracepoint_writable' | 'kprobe'
  | 'perf_event' | 'tracing' | 'socket_filter' | 'cgroup_skb' | 'struct_ops' | 'lsm' | 'unknown';
