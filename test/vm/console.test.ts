import t from 'tap';
import { ConsoleWatcher, scanLine } from '../../vm/console.js';

t.test('the kernel words for a dead kernel are recognised', async (t) => {
  t.equal(scanLine('[    9.1] Kernel panic - not syncing: sysrq triggered crash')?.kind, 'panic');
  t.equal(scanLine('[    3.2] Oops: general protection fault, probably for non-canonical address')?.kind, 'oops');
  t.equal(scanLine('[    3.2] BUG: kernel NULL pointer dereference, address: 0000000000000000')?.kind, 'bug');
  t.equal(scanLine('[    1.0] Run /init as init process'), null);
  t.equal(scanLine('bpf-verdict: starting agent'), null);
});

t.test('the watcher keeps a bounded tail, joins split lines, reports the first event once', async (t) => {
  const events: string[] = [];
  const w = new ConsoleWatcher(3, (e) => events.push(e.kind));
  w.push('line 1\nline 2\nKernel pa');
  w.push('nic - not syncing: Fatal exception\r\nline 4\nBUG: later\npartial');
  t.same(events, ['panic']);
  t.equal(w.first?.line, 'Kernel panic - not syncing: Fatal exception');
  t.equal(w.tail(10), 'Kernel panic - not syncing: Fatal exception\nline 4\nBUG: later\npartial');
});
