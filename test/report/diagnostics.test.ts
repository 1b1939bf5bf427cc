// 7.x failure reports in the terminal and HTML reports, from RECORDED real logs
// (test/fixtures/classify/debian-7.3.4.json: Debian's 7.3.4 kernel in QEMU).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readVerifierLog } from '../../src/shared/verifier-log.js';
import { causalEvents, formatReportFull, formatReportShort } from '../../src/report/diagnostics.js';
import { formatDifference } from '../../src/report/summary.js';
import { formatHtml } from '../../src/report/html.js';
import type { RunResult } from '../../src/run/types.js';
import { leakRecord73, resultOf } from './recorded-73.js';

const k73 = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/classify/debian-7.3.4.json'), 'utf8')) as
  { results: { source: string; program: string; log: string }[] };
const logOf = (p: string) => k73.results.find((r) => r.program === p)!.log;

t.test('the whole report reads as the kernel printed it', async (t) => {
  for (const p of ['leak_simple', 'unlock_other', 'drop_twice', 'loop_leaks_all_but_last']) {
    const log = logOf(p);
    const reports = readVerifierLog(log).reports;
    t.ok(reports.length > 0, p);
    // every non-blank line of the kernel's report blocks, in order
    const kernelLines: string[] = [];
    let inside = false;
    for (const l of log.split('\n')) {
      if (l.startsWith('Verification failed:')) inside = true;
      else if (inside && l !== '' && !l.startsWith('  ') && !/^[A-Z][A-Za-z ]*:$/.test(l)) inside = false;
      if (inside && l.trim() !== '') kernelLines.push(l);
    }
    t.same(reports.map(formatReportFull).join('\n').split('\n').filter((l) => l.trim() !== ''), kernelLines.map((l) => l.trimEnd()), `${p}: same lines`);
  }
});

t.test('the terminal gets the headline, reason, place, causal events and suggestion', async (t) => {
  const [rep] = readVerifierLog(logOf('leak_simple')).reports;
  t.same(formatReportShort(rep!), [
    'Resource Lifetime Safety: Unreleased resource',
    'reason: Owned resource (id=2) was acquired at instruction 3 and still needs to be released before this exit path.',
    'at: leak_simple @ leak.c:42:1',
    'path: leak.c:36:24 acquired: owned resource (id=2)',
    'path: leak.c:38:6 branch: took the false branch of this conditional, goto not followed',
    'suggestion: Release or transfer ownership of the acquired resource on every path before the program exits.',
  ]);
  const [drop] = readVerifierLog(logOf('drop_twice')).reports;
  t.match(causalEvents(drop!.causalPath).join('\n'),
    /obj_drop\.c:34:2 invalidated: R6: resource release invalidated this pointer; previous value was owned allocated object pointer type=\(struct job_rec\)/,
    'an annotation wrapped onto the next line is joined');
});

const record = leakRecord73();

t.test('a difference in the terminal shows the kernel\'s report', async (t) => {
  const text = formatDifference(record);
  t.match(text, /kernel: {3}reject {2}at insn 8 {2}"BPF_EXIT instruction in main prog would lead to reference leak"/);
  t.match(text, /\n {2}report: {3}Resource Lifetime Safety: Unreleased resource\n {12}reason: Owned resource \(id=2\)/);
  t.match(text, /\n {12}path: leak\.c:36:24 acquired: owned resource \(id=2\)/);
});

t.test('the HTML page carries each report whole', async (t) => {
  const result: RunResult = resultOf(record);
  const html = formatHtml({ result, sources: {} });
  const data = JSON.parse(/<script id="data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!);
  t.equal(data.records[0].reportTexts.length, 1);
  t.match(data.records[0].reportTexts[0], /^Verification failed: Resource Lifetime Safety: Unreleased resource\nReason:\n {2}Owned resource/);
  t.equal(data.records[0].kernel.reports[0].suggestion, 'Release or transfer ownership of the acquired resource on every path before the program exits.');
  t.match(html, /'kernel report'/, 'the page script shows them');
});
