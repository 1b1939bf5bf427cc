// Pure reading of a kernel verifier log, for every kernel line: the error line, the figures
// print_verification_stats() (kernel/bpf/verifier.c) appends, and the failure reports 7.x's
// kernel/bpf/diagnostics.c writes after the classic message. Runs in the guest (harness/load.ts)
// and on the host (src/classify), so it imports nothing.
import type { DiagnosticReport, KernelResult, SubprogStats } from './verdict.js';

type Stats = NonNullable<KernelResult['stats']>;

// print_verification_stats(): 6.1/6.12 print "stack depth 0+8" (one figure per subprog), 7.x
// prints "stack depth max N" and one "subprog ..." line per subprog (BPF_LOG_STATS only);
// "processed ..." is always the last line. libbpf frames the log it prints with BEGIN/END.
const PROCESSED = /^processed (\d+) insns \(limit \d+\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
const TIME = /^verification time (\d+) usec$/;
const STACK_612 = /^stack depth (\d+(?:\+\d+)*)$/;
const STACK_7X = /^stack depth max (\d+)$/;
const SUBPROG = /^subprog (\d+) \((.*)\) (main|global|static) insns_self (\d+) insns_total (\d+) stack (\d+)$/;
const TRAILER = [
  PROCESSED, TIME, STACK_612, STACK_7X, SUBPROG, /^-- (BEGIN|END) PROG LOAD LOG --$/,
  // is_state_visited prints both states after "infinite loop detected at insn %d", at every log level
  /^(cur|old) state:/,
];

// diagnostics.c: bpf_diag_header() writes "\nVerification failed: CATEGORY[: Problem]\n", then
// diag_section() "\nTITLE:\n" sections whose text is indented by two spaces; diag_suggestion()
// ends the report with a blank line. The classic verbose() message comes before the report,
// except for leaks, where check_reference_leak()'s line follows one report per leaked reference.
const REPORT_HEAD = /^Verification failed: (.*)$/;
const SECTION = /^([A-Z][A-Za-z ]*):$/;
const SECTION_KEYS: Record<string, keyof Omit<DiagnosticReport, 'category' | 'problem' | 'other'>> = {
  Reason: 'reason', At: 'at', 'Causal path': 'causalPath', 'Active lock': 'activeLock', Suggestion: 'suggestion',
};

export interface VerifierLog {
  /** What the verifier said, in order: no blank lines, statistics or failure reports. */
  lines: string[];
  /** The classic error line: the last of `lines` (null when there is none). */
  errorLine: string | null;
  stats: Stats;
  /** 7.x failure reports, in log order. */
  reports: DiagnosticReport[];
}

export function readVerifierLog(log: string): VerifierLog {
  const lines: string[] = [];
  const reports: DiagnosticReport[] = [];
  const stats: Stats = {};
  let report: DiagnosticReport | null = null;
  let section: { title: string; text: string[] } | null = null;
  const closeSection = (): void => {
    if (!report || !section) return;
    const text = section.text.join('\n').replace(/\n+$/, '');
    const key = SECTION_KEYS[section.title];
    if (key) report[key] = text;
    else report.other.push({ title: section.title, text });
    section = null;
  };
  for (const raw of log.split('\n')) {
    const line = raw.trimEnd();
    if (report) {
      // Inside a report: blank lines, section titles and indented text belong to it.
      if (line === '') { section?.text.push(''); continue; }
      const title = SECTION.exec(line);
      if (title) { closeSection(); section = { title: title[1]!, text: [] }; continue; }
      if (line.startsWith('  ')) { section?.text.push(line.slice(2)); continue; }
      closeSection();
      report = null;
    }
    if (line.trim() === '') continue;
    const head = REPORT_HEAD.exec(line);
    if (head) {
      const colon = head[1]!.indexOf(': ');
      report = {
        category: colon < 0 ? head[1]! : head[1]!.slice(0, colon), problem: colon < 0 ? null : head[1]!.slice(colon + 2),
        reason: null, at: null, causalPath: null, activeLock: null, suggestion: null, other: [],
      };
      reports.push(report);
      continue;
    }
    if (readStat(line, stats)) continue;
    if (TRAILER.some((re) => re.test(line))) continue;
    lines.push(line);
  }
  closeSection();
  return { lines, errorLine: lines.at(-1) ?? null, stats, reports };
}

function readStat(line: string, stats: Stats): boolean {
  let m: RegExpExecArray | null;
  if ((m = PROCESSED.exec(line))) {
    stats.insnsProcessed = Number(m[1]);
    stats.maxStatesPerInsn = Number(m[2]);
    stats.totalStates = Number(m[3]);
    stats.peakStates = Number(m[4]);
    stats.markRead = Number(m[5]);
  } else if ((m = TIME.exec(line))) stats.verificationUs = Number(m[1]);
  else if ((m = STACK_612.exec(line))) {
    const depths = m[1]!.split('+').map(Number);
    stats.stackDepth = Math.max(...depths);
    stats.subprogStack = depths;
  } else if ((m = STACK_7X.exec(line))) stats.stackDepth = Number(m[1]);
  else if ((m = SUBPROG.exec(line))) {
    const s: SubprogStats = { index: Number(m[1]), name: m[2]!, kind: m[3] as SubprogStats['kind'],
      insnsSelf: Number(m[4]), insnsTotal: Number(m[5]), stack: Number(m[6]) };
    (stats.subprogs ??= []).push(s);
  } else return false;
  return true;
}

/** The classic error line (see readVerifierLog); null when there is none. */
export function lastMeaningfulLine(log: string): string | null {
  return readVerifierLog(log).errorLine;
}

export function parseStats(log: string): Stats {
  return readVerifierLog(log).stats;
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
