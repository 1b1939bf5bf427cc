// Readers for veristat's output (tools/testing/selftests/bpf/veristat.c): its CSV (`-o csv`), its
// table (the default) and the per-program blocks `-v` prints before either. Pure.
//   CSV:    file_name,prog_name,verdict,duration,total_insns,...      (output_headers, stat_defs[].names[0])
//   table:  File  Program  Verdict  Duration (us)  Insns ...           (stat_defs[].header), a dashed rule
//           under the header whose runs give the column widths, rows, the rule again, "Done. ..."
//   -v:     PROCESSING <path>/<prog>, DURATION US: <n>, VERDICT: success|failure, VERIFIER LOG:\n<log>\n

export interface VeristatRow {
  file: string;           // the object's base name, as veristat prints it
  program: string;
  verdict: 'success' | 'failure';
  durationUs: number;     // the kernel's "verification time"
  insns: number;          // processed instructions
  /** Every column as printed, by its CSV name or table header. */
  columns: Record<string, string>;
}

export interface VeristatVerbose {
  path: string;           // the object's path as given on veristat's command line
  program: string;
  verdict: 'success' | 'failure';
  durationUs: number;
  log: string;            // the verifier log as the kernel wrote it (statistics included)
}

export class VeristatOutputError extends Error {
  override name = 'VeristatOutputError';
  constructor(message: string, readonly evidence: string) {
    super(message);
  }
}

const CSV_HEADER = /^file_name,prog_name,verdict,/m;

function verdictOf(text: string, line: string): 'success' | 'failure' {
  if (text === 'success' || text === 'failure') return text;
  throw new VeristatOutputError(`veristat printed verdict '${text}', neither success nor failure`, line);
}

function row(columns: Record<string, string>, names: { file: string; prog: string; verdict: string; duration: string; insns: string }, line: string): VeristatRow {
  const num = (k: string) => {
    const n = Number(columns[k]);
    if (!Number.isFinite(n)) throw new VeristatOutputError(`veristat column '${k}' is not a number: '${columns[k]}'`, line);
    return n;
  };
  return {
    file: columns[names.file] ?? '', program: columns[names.prog] ?? '', verdict: verdictOf(columns[names.verdict] ?? '', line),
    durationUs: num(names.duration), insns: num(names.insns), columns,
  };
}

/** The rows of `veristat -o csv` (any text before the header, e.g. -v's blocks, is skipped). */
export function parseVeristatCsv(text: string): VeristatRow[] {
  const m = CSV_HEADER.exec(text);
  if (!m) throw new VeristatOutputError('no veristat CSV header (file_name,prog_name,verdict,...) in the output', text.slice(0, 400));
  const lines = text.slice(m.index).split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  // File and program names hold no commas (C identifiers and the base names veristat was given).
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new VeristatOutputError(`veristat CSV row has ${cells.length} cells, the header ${header.length}`, line);
    const columns = Object.fromEntries(header.map((h, i) => [h, cells[i]!]));
    return row(columns, { file: 'file_name', prog: 'prog_name', verdict: 'verdict', duration: 'duration', insns: 'total_insns' }, line);
  });
}

/** The rows of veristat's default table: column bounds come from the dashed rule under the header. */
export function parseVeristatTable(text: string): VeristatRow[] {
  const lines = text.split('\n');
  const rule = lines.findIndex((l, i) => i > 0 && /^-+( +-+)+\s*$/.test(l) && /^File\b/.test(lines[i - 1]!));
  if (rule < 0) throw new VeristatOutputError('no veristat table (a "File  Program ..." header over a dashed rule) in the output', text.slice(0, 400));
  const spans: [number, number][] = [];
  for (const m of lines[rule]!.matchAll(/-+/g)) spans.push([m.index!, m.index! + m[0].length]);
  // Each column runs to the start of the next (numbers are right-aligned, names left-aligned).
  const cut = (line: string) => spans.map(([a], i) => line.slice(a, i + 1 < spans.length ? spans[i + 1]![0] : undefined).trim());
  const header = cut(lines[rule - 1]!);
  const rows: VeristatRow[] = [];
  for (const line of lines.slice(rule + 1)) {
    if (/^-+( +-+)+\s*$/.test(line) || line.trim() === '') break;
    const columns = Object.fromEntries(header.map((h, i) => [h, cut(line)[i]!]));
    rows.push(row(columns, { file: 'File', prog: 'Program', verdict: 'Verdict', duration: 'Duration (us)', insns: 'Insns' }, line));
  }
  return rows;
}

const BLOCK = /^PROCESSING (.*)\/([^/]+), DURATION US: (\d+), VERDICT: (success|failure), VERIFIER LOG:$/;

/** The per-program blocks of `veristat -v`, in order. */
export function parseVeristatVerbose(text: string): VeristatVerbose[] {
  const lines = text.split('\n');
  const out: VeristatVerbose[] = [];
  let cur: VeristatVerbose | null = null;
  let body: string[] = [];
  const close = () => {
    if (!cur) return;
    // printf("...VERIFIER LOG:\n%s\n", buf): the log (which ends in its own newline) and one more.
    while (body.length && body.at(-1) === '') body.pop();
    cur.log = body.length ? `${body.join('\n')}\n` : '';
    out.push(cur);
  };
  for (const line of lines) {
    const m = BLOCK.exec(line);
    if (m) {
      close();
      cur = { path: m[1]!, program: m[2]!, durationUs: Number(m[3]), verdict: m[4] as 'success' | 'failure', log: '' };
      body = [];
    } else if (cur && (CSV_HEADER.test(line) || /^File\s+Program\s/.test(line) || /^Processing '.*'\.\.\.$/.test(line))) {
      // The next object's "Processing 'x.o'..." (table mode), or the results after the last block.
      close();
      cur = null;
    } else if (cur) body.push(line);
  }
  close();
  return out;
}
