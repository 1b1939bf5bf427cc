// Progress on stderr while a run works: a redrawn bar on a terminal, plain lines otherwise
// (CI logs), never on stdout (stdout carries the data: --json, --tap).
import { isGreen } from '../compare/types.js';
import type { RunEvent } from '../run/types.js';

export interface ProgressSink { write(s: string): unknown; isTTY?: boolean; columns?: number }

export class ProgressBar {
  private line = '';
  private lastPlainPct = -1;
  constructor(private readonly out: ProgressSink = process.stderr, private readonly quiet = false) {}

  handle = (e: RunEvent): void => {
    if (this.quiet) return;
    switch (e.kind) {
      case 'kernel':
        if (e.message) this.say(`${e.spec}: ${e.message}`);
        else if (e.phase === 'done') this.say(`${e.spec}: done`);
        return;
      case 'build':
        if (!e.ok) this.say(`${e.spec}: ${e.source} does not compile`);
        this.bar(`build ${e.spec}`, e.done, e.total, e.source);
        return;
      case 'object': {
        const bad = e.records.filter((r) => !isGreen(r.outcome)).length;
        this.bar(`load ${e.spec}`, e.done, e.total, `${e.object}${bad ? ` (${bad} difference${bad > 1 ? 's' : ''})` : ''}`);
        return;
      }
      case 'vm':
        this.say(`${e.spec}: ${e.message}`);
        return;
      case 'note':
        this.say(e.message);
        return;
    }
  };

  /** Clear the bar so the next output starts on a clean line. */
  finish(): void {
    if (this.line && this.out.isTTY) this.out.write('\r\x1b[K');
    this.line = '';
  }

  private say(msg: string): void {
    this.finish();
    this.out.write(`${msg}\n`);
  }

  private bar(label: string, done: number, total: number, what: string): void {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (!this.out.isTTY) {
      // One line per 10% (and the last), so CI logs stay short.
      const step = Math.floor(pct / 10);
      if (step !== this.lastPlainPct || done === total) {
        this.lastPlainPct = done === total ? -1 : step;
        this.out.write(`${label}: ${done}/${total} ${what}\n`);
      }
      return;
    }
    const width = 24;
    const fill = Math.round((done / Math.max(1, total)) * width);
    const text = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${what}`;
    const cols = this.out.columns ?? 100;
    this.line = text.length > cols - 1 ? text.slice(0, cols - 2) + '…' : text;
    this.out.write(`\r\x1b[K${this.line}`);
  }
}
