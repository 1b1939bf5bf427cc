// Watching the guest's serial console: keep a bounded tail and spot a kernel that died.
// Pure except for the optional log sink.

export type ConsoleEvent = { kind: 'panic' | 'oops' | 'bug'; line: string };

// The kernel's own words: panic() prints "Kernel panic - not syncing", die() prints
// "Oops:", BUG()/report_bug and KASAN print "BUG:", a #GP prints "general protection fault".
const PATTERNS: [RegExp, ConsoleEvent['kind']][] = [
  [/Kernel panic - not syncing/, 'panic'],
  [/\bOops: /, 'oops'],
  [/\bBUG: /, 'bug'],
  [/general protection fault/, 'oops'],
];

export function scanLine(line: string): ConsoleEvent | null {
  for (const [re, kind] of PATTERNS) if (re.test(line)) return { kind, line: line.trim() };
  return null;
}

export class ConsoleWatcher {
  private lines: string[] = [];
  private partial = '';
  first: ConsoleEvent | null = null;

  constructor(private readonly keep = 200, private readonly onEvent?: (e: ConsoleEvent) => void) {}

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.addLine(line);
  }

  /** The last lines seen, including an unfinished one. */
  tail(n = 40): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(-n).join('\n');
  }

  private addLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    const ev = scanLine(line);
    if (ev && !this.first) {
      this.first = ev;
      this.onEvent?.(ev);
    }
  }
}
