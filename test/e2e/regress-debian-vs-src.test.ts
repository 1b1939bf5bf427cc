// Our source build of Debian's 6.12 tree must verify the corpus exactly like Debian's own 6.12
// kernel: same verdicts, same rules, same messages. Also exercises the CLI end to end (--json,
// --html, exit code 0 when nothing changed).
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';


const root = join(import.meta.dirname, '../../..');
const cli = join(root, 'bin/bpf-verdict.js');

t.test('regress --base debian:6.12 --head src:<debian 6.12 source>: nothing changes', async (t) => {
  const tree = (await execa('node', [cli, 'kernel', 'fetch', 'debian-source:6.12'])).stdout.trim();
  const html = join(mkdtempSync(join(tmpdir(), 'bpfv-regress-')), 'regress.html');
  const r = await execa('node', [cli, 'regress', '--base', 'debian:6.12', '--head', `src:${tree}`, '--json', '--html', html, join(root, 'programs')],
    { reject: false, cwd: root });
  const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as {
    object: string; program: string | null; changed: boolean; base: { verdict: string; message: string | null }; head: { verdict: string; message: string | null };
  });
  t.ok(rows.length >= 20, `${rows.length} programs compared`);
  const changed = rows.filter((x) => x.changed).map((x) => `${x.object}:${x.program}: ${x.base.verdict} "${x.base.message}" -> ${x.head.verdict} "${x.head.message}"`);
  t.same(changed, [], 'same verdict, rule and message on both kernels');
  t.ok(rows.every((x) => x.base.verdict === 'accept' || x.base.verdict === 'reject'), 'every program reached the verifier');
  t.equal(r.exitCode, 0, `exit 0: no change (stderr tail: ${r.stderr.split('\n').slice(-8).join(' | ')})`);
  t.match(readFileSync(html, 'utf8'), /<dt>base<\/dt><dd>debian:6\.12<\/dd>/);
});
