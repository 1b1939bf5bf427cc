// Findings on disk: the corpus-style C text (tags, escaping, per-line scope), findings.jsonl,
// de-duplication by (kernel, kind, kernel rule, model rule), and the final occurrence counts.
import t from 'tap';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FindingsStore, fileStem } from '../../src/fuzz/findings.js';
import { cString, findingC, tagsFor, type FindingText } from '../../src/fuzz/finding-c.js';
import { renderObject } from '../../src/fuzz/render.js';
import type { Signature } from '../../src/fuzz/observe.js';
import type { FuzzProgram } from '../../src/fuzz/types.js';

const program: FuzzProgram = { name: 'f_9_3', line: '6.12', fault: 'leak-at-exit', shapes: ['branch'], section: 'tc', decls: ['s'],
  body: [{ kind: 'line', text: 'return 0;' }] };
const batch = { programs: [program], decls: { s: { key: 's', text: 'struct s { int x; };', needs: [] } } };
const text = (over: Partial<FindingText> = {}): FindingText => ({
  kind: 'message', program, rendered: renderObject(batch, [program]), kernelSpec: 'debian:6.12', line: '6.12', release: '6.12.117+deb12-amd64', seed: 9,
  kernel: { verdict: 'reject', rule: 'core.ref.leak', message: 'Unreleased reference id=2 alloc_insn=7', insn: 12 },
  model: { verdict: 'reject', rule: 'core.ref.leak', message: 'Unreleased reference id=3 alloc_insn=7', insn: 12 },
  sizeBefore: 9, size: 1, ...over,
});

t.test('a finding is a corpus program: kernel verdict and message declared, the model difference declared', async (t) => {
  const c = findingC(text());
  t.match(c, /^\/\/ SPDX-License-Identifier: GPL-2\.0\n\/\* Found by bpf-verdict fuzz \(seed 9\) on debian:6\.12 \(6\.12\.117\+deb12-amd64\): message\.\n/);
  t.match(c, /shrunk from 9 to 1 statements\.\n \*\/\n/);
  t.match(c, /SEC\("tc"\)\n__description\("fuzz message: kernel core\.ref\.leak, model core\.ref\.leak"\)\n__failure\n__msg\("Unreleased reference id=2 alloc_insn=7"\)\n__model_differs\("model: reject core\.ref\.leak at insn 12 'Unreleased reference id=3 alloc_insn=7'"\)\nint f_9_3\(/);
  t.equal(c.match(/__description/g)!.length, 1, "the renderer's tags are replaced");
  t.match(c, /#include "bpf_verdict\.h"/);
  t.match(c, /struct s \{ int x; \};/);
});

t.test('an accepted program, a 7.3 finding, a crash', async (t) => {
  t.same(tagsFor(text({ kernel: { verdict: 'accept', rule: null, message: null, insn: null }, kind: 'wrong-reject' })),
    ['__success', `__model_differs("model: reject core.ref.leak at insn 12 'Unreleased reference id=3 alloc_insn=7'")`]);
  t.equal(tagsFor(text({ line: '7.3' }))[0], '__kernel("7.3-")');
  t.same(tagsFor(text({ kind: 'crash', kernel: { verdict: 'crash', rule: null, message: 'kernel panic', insn: null } })), [], 'a crash declares nothing it could hold to');
});

t.test('C strings: quotes, backslashes, newlines and test_loader\'s {{ kept literal', async (t) => {
  t.equal(cString('a "b" \\ c\nd'), 'a \\"b\\" \\\\ c\\nd');
  t.equal(cString('x {{y'), 'x {{\\\\{\\\\{}}y');
});

t.test('de-duplicated per kernel by kind, kernel rule and model rule; files and lines written at once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-findings-'));
  const store = new FindingsStore(dir);
  const sig: Signature = { kind: 'message', kernelRule: 'core.ref.leak', modelRule: 'core.ref.leak' };
  const base = { kind: sig.kind, kernel_spec: 'debian:6.12', release: null, profile: '6.12', seed: 9, program: 'f_9_3', fault: null, shapes: [],
    kernel: text().kernel, model: text().model, size_before: 9, size: 1, shrink_rounds: 4 };
  t.notOk(store.seen('debian:6.12', sig));
  const f = store.add(sig, base, text());
  t.equal(f.file, '001-debian-6.12-message-core.ref.leak.c');
  t.ok(store.seen('debian:6.12', sig));
  t.ok(store.seen('debian:6.12', sig));
  t.notOk(store.seen('debian:7.3', sig), 'another kernel is another finding');
  t.notOk(store.seen('debian:6.12', { ...sig, modelRule: 'core.ref.release_unacquired' }), 'another model rule is another finding');
  t.same(readdirSync(dir).sort(), ['001-debian-6.12-message-core.ref.leak.c', 'findings.jsonl']);
  t.equal(JSON.parse(readFileSync(join(dir, 'findings.jsonl'), 'utf8')).occurrences, 1);
  store.add({ kind: 'crash', kernelRule: null, modelRule: null }, { ...base, kind: 'crash' }, null);
  store.flush();
  const lines = readFileSync(join(dir, 'findings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.same(lines.map((l) => [l.kind, l.occurrences, l.file]), [['message', 3, '001-debian-6.12-message-core.ref.leak.c'], ['crash', 1, null]]);
  t.equal(fileStem('src:/a b/linux+x.patch', sig, 12), '012-src-a-b-linux-x.patch-message-core.ref.leak');
});
