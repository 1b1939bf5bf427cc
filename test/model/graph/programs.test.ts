// Per rule, accepted and rejected graph programs (test/fixtures/graph/g_*.c, compiled by clang-19 in
// the test run) through the model: verdict, rule id, instruction and message. The expected values
// are what Debian 6.12.117 printed for the same objects (bpf-verdict load, 2026-11-25); the e2e
// suite (test/e2e/model-graph.test.ts) re-asks the kernel.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { compileFixture } from './compile.js';
import { readObject } from '../../../src/object/read.js';
import { modelObject } from '../../../src/model/index.js';
import { describeGraphState } from '../../../src/model/graph/explain.js';

import { EXPECTED } from './expected.js';
import { EXPECTED_73 } from './expected-73.js';

const files = [...new Set(EXPECTED.map((r) => r[0]))];
for (const file of files) {
  t.test(file, async (t) => {
    const path = await compileFixture(file);
    const results = modelObject(readObject(new Uint8Array(readFileSync(path)), path));
    for (const [, program, verdict, rule, insn, message] of EXPECTED.filter((r) => r[0] === file)) {
      const m = results.find((r) => r.program === program);
      t.ok(m, `${program} analysed`);
      if (!m) continue;
      t.same({ verdict: m.verdict, rule: m.rule, insn: m.insn, message: m.message }, { verdict, rule, insn, message }, program);
    }
  });
}

// The same objects under the 7.3 profile, against what Debian 7.3.4 printed (expected-73.ts).
for (const file of [...new Set(EXPECTED_73.map((r) => r[0]))]) {
  t.test(`${file} on Linux 7.3`, async (t) => {
    const path = await compileFixture(file);
    const results = modelObject(readObject(new Uint8Array(readFileSync(path)), path), { profile: '7.3' });
    for (const [, program, verdict, rule, insn, message] of EXPECTED_73.filter((r) => r[0] === file)) {
      const m = results.find((r) => r.program === program);
      t.ok(m, `${program} analysed`);
      if (!m) continue;
      t.same({ verdict: m.verdict, rule: m.rule, insn: m.insn, message: m.message }, { verdict, rule, insn, message }, program);
    }
  });
}

t.test('explain shows ownership state', async (t) => {
  const path = await compileFixture('g_list');
  const [r] = modelObject(readObject(new Uint8Array(readFileSync(path)), path), { program: 'push_ok', trace: true });
  t.ok(r?.trace?.length, 'a trace');
  const text = (r?.trace ?? []).join('\n');
  t.match(text, /owning ref_obj_id=\d+/, 'an owning reference is shown');
  t.match(text, /non-owning/, 'the pushed node shows as non-owning');
  t.match(text, /lock: map:/, 'the held lock is shown');
});

t.test('describeGraphState', async (t) => {
  const lines = describeGraphState({ frames: [], refs: [{ id: 2, insnIdx: 5, callbackRef: 0 }], activeLock: { ptr: 'btf:prog', id: 4 }, activeRcuLocks: 0, activePreemptLock: 0, jmps: 0 });
  t.same(lines, ['refs: id=2 alloc_insn=5', 'lock: btf:prog id=4']);
});

t.test('a line whose graph rules are not stated (6.1): graph constructs are unsupported, never a 6.12 guess', async (t) => {
  const path = await compileFixture('g_list');
  for (const r of modelObject(readObject(new Uint8Array(readFileSync(path)), path), { profile: '6.1' })) {
    // check_map_access's special-field rule is the same in every kernel: still a rejection.
    if (r.program === 'touch_head') { t.equal(r.rule, 'graph.access.map_special_field'); continue; }
    t.equal(r.verdict, 'unsupported', `${r.program}: ${r.message}`);
    t.equal(r.rule, 'model.unsupported.profile');
  }
});
