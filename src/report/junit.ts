// JUnit XML for CI dashboards: one <testsuite> per kernel, one <testcase> per program.
// Kernel-side failures (crash, timeout, loader error) are <error>; differences are <failure>;
// a declared difference passes, with its reason in <system-out>.
import type { Outcome } from '../compare/types.js';
import type { ProgramRecord, RunResult } from '../run/types.js';
import { formatDifference } from './summary.js';

const esc = (s: string) => s
  // XML 1.0 forbids most control characters, even escaped; a kernel log can contain anything.
  .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ERRORS: Outcome[] = ['crash', 'timeout', 'loader-error', 'model-error'];
const FAILURES: Outcome[] = ['model-differs', 'expectation-differs', 'unsupported'];

export function formatJunit(r: RunResult): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = r.records;
  const count = (rs: ProgramRecord[], os: Outcome[]) => rs.filter((x) => os.includes(x.outcome)).length;
  out.push(`<testsuites name="bpf-verdict" tests="${all.length}" failures="${count(all, FAILURES)}" errors="${count(all, ERRORS)}" time="${(r.durationMs / 1000).toFixed(3)}" timestamp="${esc(r.startedAt)}">`);
  for (const k of r.kernels) {
    const rs = all.filter((x) => x.kernel === k.spec);
    const time = ((k.ms.build + k.ms.boot + k.ms.load + k.ms.model) / 1000).toFixed(3);
    out.push(`  <testsuite name="${esc(k.spec)}" tests="${rs.length}" failures="${count(rs, FAILURES)}" errors="${count(rs, ERRORS) + (k.error ? 1 : 0)}" skipped="0" time="${time}">`);
    if (k.error) out.push(`    <testcase classname="kernel" name="${esc(k.spec)}"><error type="kernel" message="${esc(k.error.split('\n')[0]!)}">${esc(k.error)}</error></testcase>`);
    for (const rec of rs) {
      const name = rec.program ?? '(build)';
      const ms = rec.model?.ms ?? 0;
      const open = `    <testcase classname="${esc(rec.object)}" name="${esc(name)}" time="${(ms / 1000).toFixed(3)}">`;
      const first = rec.comparison.reasons[0] ?? rec.outcome;
      if (ERRORS.includes(rec.outcome)) {
        out.push(open, `      <error type="${rec.outcome}" message="${esc(first)}">${esc(formatDifference(rec))}</error>`, '    </testcase>');
      } else if (FAILURES.includes(rec.outcome)) {
        out.push(open, `      <failure type="${rec.outcome}" message="${esc(first)}">${esc(formatDifference(rec))}</failure>`, '    </testcase>');
      } else if (rec.outcome === 'declared') {
        out.push(open, `      <system-out>${esc(`declared model difference: ${rec.expectation.modelDiffers ?? ''}`)}</system-out>`, '    </testcase>');
      } else out.push(open.replace(/>$/, '/>'));
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
