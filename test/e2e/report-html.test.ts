// The HTML page in real headless Chromium, on a run of the FAKE corpus (test/run/fakes.ts), so
// every outcome is on the page. The real-kernel page is checked in test/e2e/run-corpus.test.ts.
import t from 'tap';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCorpusWith } from '../../src/run/runner.js';
import { formatHtml } from '../../src/report/html.js';
import { readSources } from '../../src/report/out.js';
import { dir, fakeDeps } from '../run/fakes.js';
import { decodePng, distinctColours } from '../report/png.js';
import { dumpDom, screenshot } from '../report/chromium.js';
import { leakRecord73, resultOf } from '../report/recorded-73.js';

const out = mkdtempSync(join(tmpdir(), 'bv-html-'));
const result = await runCorpusWith(fakeDeps([]), { kernels: ['debian:6.12'], paths: [join(dir, 'corpus')], trace: true });
const page = join(out, 'report.html');
writeFileSync(page, formatHtml({ result, sources: readSources(result) }));

t.test('the script renders the matrix and opens the first difference', async (t) => {
  const dom = await dumpDom(page);
  const rows = dom.match(/<tr data-key=/g) ?? [];
  t.equal(rows.length, result.records.length, 'one row per program');
  const badges = [...dom.matchAll(/class="badge o-([a-z-]+)" data-outcome="\1"/g)].map((m) => m[1]);
  for (const o of ['model-differs', 'expectation-differs', 'crash', 'timeout', 'loader-error', 'unsupported', 'declared', 'agree']) {
    t.ok(badges.includes(o), `a ${o} row`);
  }
  t.ok(badges.indexOf('agree') > badges.indexOf('model-differs'), 'differences first');
  t.match(dom, /<section id="details">/, 'details shown (not hidden)');
  t.match(dom, /<h3>kernel log<\/h3>/);
  t.match(dom, /<h3>model trace<\/h3>/);
  t.match(dom, /<input type="checkbox" data-outcome="crash">/);
});

t.test('a 7.x failure report is shown whole in the details (recorded 7.3.4 log)', async (t) => {
  const p73 = join(out, 'report-73.html');
  writeFileSync(p73, formatHtml({ result: resultOf(leakRecord73()), sources: {} }));
  const dom = await dumpDom(p73);
  t.match(dom, /<dt>kernel report<\/dt><dd>Verification failed: Resource Lifetime Safety: Unreleased resource\nReason:\n {2}Owned resource \(id=2\)/);
  t.match(dom, /Suggestion:\n {2}Release or transfer ownership of the acquired resource on every path before the program exits\.<\/dd>/);
  t.match(dom, /<dd>reject {2}\| {2}insn 8 {2}\| {2}BPF_EXIT instruction in main prog would lead to reference leak<\/dd>/);
});

t.test('screenshot: right size, not blank', async (t) => {
  const png = join(out, 'report.png');
  await screenshot(page, png, 1400, 900);
  t.ok(statSync(png).size > 10_000);
  const img = decodePng((await import('node:fs')).readFileSync(png));
  t.equal(img.width, 1400);
  t.equal(img.height, 900);
  t.ok(distinctColours(img) > 20, `many colours (${distinctColours(img)}): the page is drawn`);
  // The outcome badges' colours are on the page: e.g. the model-differs red (#c62828).
  let red = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const o = i * img.channels;
    if (img.pixels[o] === 0xc6 && img.pixels[o + 1] === 0x28 && img.pixels[o + 2] === 0x28) red++;
  }
  t.ok(red > 200, `model-differs badges drawn (${red} px)`);
  t.comment(`screenshot: ${png}`);
});
