// Pure reading of a kernel verifier log: the last meaningful line and the figures
// print_verification_stats() (kernel/bpf/verifier.c) appends.
import type { KernelResult } from '../src/verdict.js';

// Lines the verifier appends after its verdict, which say nothing about why.
const TRAILER = [
  /^processed \d+ insns \(limit \d+\)/,
  /^verification time \d+ usec$/,
  /^stack depth [\d+ ]+$/,
  /^-- END PROG LOAD LOG --$/,
  // is_state_visited prints both states after "infinite loop detected at insn %d", at every log level
  /^(cur|old) state:/,
];

/** The last line that is neither blank nor a statistics trailer; null when there is none. */
export function lastMeaningfulLine(log: string): string | null {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trimEnd();
    if (line.trim() === '' || TRAILER.some((re) => re.test(line))) continue;
    return line;
  }
  return null;
}

export function parseStats(log: string): NonNullable<KernelResult['stats']> {
  const stats: NonNullable<KernelResult['stats']> = {};
  const processed = /processed (\d+) insns \(limit \d+\) max_states_per_insn \d+ total_states (\d+) peak_states (\d+)/.exec(log);
  if (processed) {
    stats.insnsProcessed = Number(processed[1]);
    stats.totalStates = Number(processed[2]);
    stats.peakStates = Number(processed[3]);
  }
  const time = /verification time (\d+) usec/.exec(log);
  if (time) stats.verificationUs = Number(time[1]);
  return stats;
}

// libbpf poisons instructions it could not relocate (a CO-RE relocation, a missing weak
// kfunc, a missing map) with calls to these fake helper ids; the verifier then rejects
// them, but the cause is the loader's: libbpf.c BPF_CORE_POISON / POISON_CALL_KFUNC_BASE /
// POISON_LDIMM64_MAP_BASE.
const LIBBPF_POISON = /unknown#(195896080|2002\d{6}|2001\d{6})\b/;

export function isLibbpfPoison(log: string): boolean {
  return LIBBPF_POISON.test(log);
}

/** libbpf's lines about one program ("libbpf: prog 'NAME': ..."), plus object-level ones. */
export function libbpfLinesFor(libbpfLog: string, program: string, allPrograms: string[]): string {
  const others = allPrograms.filter((p) => p !== program);
  return libbpfLog
    .split('\n')
    .filter((l) => l !== '' && !others.some((o) => l.includes(`prog '${o}':`)))
    .join('\n');
}

/** The program libbpf names as the one whose load failed, if exactly one of `candidates`. */
export function failedProgram(libbpfLog: string, candidates: string[]): string | null {
  const named = new Set<string>();
  for (const m of libbpfLog.matchAll(/prog '([^']+)': (?:failed to load|BPF program load failed)/g)) named.add(m[1]!);
  const hits = candidates.filter((c) => named.has(c));
  return hits.length === 1 ? hits[0]! : null;
}

/** libbpf's last warning line, without the "libbpf: " prefix (for loader-error messages). */
export function lastLibbpfError(libbpfLog: string): string | null {
  const lines = libbpfLog.split('\n').map((l) => l.replace(/^libbpf: /, '').trimEnd()).filter((l) => l !== '');
  // Prefer the line that says what is missing over libbpf's generic "failed to load object".
  const specific = lines.filter((l) => !/failed to load object|^-- (BEGIN|END) PROG LOAD LOG --$/.test(l));
  return specific.at(-1) ?? lines.at(-1) ?? null;
}
