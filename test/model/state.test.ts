// release_reference(): one implementation, with the line's refs[] order (release_reference_state:
// 6.12 moves the last entry into the hole, 7.3 closes it) and 6.12's callback ownership check.
import t from 'tap';
import { IdGen, acquireReference, newFrame, regPtr, releaseReference, T, type VerifierState } from '../../src/model/state.js';
import { getProfile } from '../../src/profiles/index.js';

function stateWithRefs(n: number): VerifierState {
  const s: VerifierState = { frames: [newFrame(0, -1, 0)], refs: [], activeLock: null, activeRcuLocks: 0, activePreemptLock: 0, jmps: 0, callbackUnrollDepth: 0 };
  const ids = new IdGen();
  for (let i = 0; i < n; i++) acquireReference(s, ids, 10 + i);
  return s;
}

t.test('6.12 swaps the last reference into the hole; 7.3 keeps acquisition order', async (t) => {
  const a = stateWithRefs(4);
  t.ok(releaseReference(a, 1, getProfile('6.12').switches));
  t.same(a.refs.map((r) => r.id), [4, 2, 3]);
  const b = stateWithRefs(4);
  t.ok(releaseReference(b, 1, getProfile('7.3').switches));
  t.same(b.refs.map((r) => r.id), [2, 3, 4]);
  t.notOk(releaseReference(b, 9, getProfile('7.3').switches), 'not held');
});

t.test('registers holding the reference become unknown scalars', async (t) => {
  const s = stateWithRefs(2);
  s.frames[0]!.regs[6] = regPtr(T.PTR_TO_BTF_ID, { refObjId: 2 });
  releaseReference(s, 2, getProfile('6.12').switches);
  t.equal(s.frames[0]!.regs[6]!.type, T.SCALAR_VALUE);
});

t.test('6.12: a callback may not release its caller\'s reference; 7.3 has no such owner', async (t) => {
  const s = stateWithRefs(1);
  const cb = newFrame(1, 5, 1);
  cb.inCallbackFn = true;
  s.frames.push(cb);
  t.notOk(releaseReference(s, 1, getProfile('6.12').switches));
  t.ok(releaseReference(s, 1, getProfile('7.3').switches));
});
