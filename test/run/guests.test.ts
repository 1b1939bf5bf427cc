// --jobs: how many guests (cores by default, capped by memory and by the objects there are), and
// the queue that shares objects out to them (a worker that drops out gives its object back).
import t from 'tap';
import { planGuests, planLanes, shareOut, vcpusPerGuest } from '../../src/run/guests.js';

t.test('guests: --jobs, else the cores; capped by memory (said), and by the objects (silently)', async (t) => {
  t.same(planGuests({ cores: 2, memoryMb: 1024, availableMb: 20000, objects: 80 }), { count: 2, note: null });
  t.same(planGuests({ requested: 8, cores: 2, memoryMb: 1024, availableMb: 20000, objects: 80 }), { count: 8, note: null });
  const capped = planGuests({ requested: 8, cores: 2, memoryMb: 2048, availableMb: 5000, objects: 80 });
  t.equal(capped.count, 2);
  t.match(capped.note, /running 2 guests at once, not 8: each takes 2048 MiB \(--memory\).* 5000 MiB are available/);
  t.equal(planGuests({ requested: 4, cores: 2, memoryMb: 1024, availableMb: 100, objects: 80 }).count, 1, 'never fewer than one');
  t.same(planGuests({ requested: 4, cores: 2, memoryMb: 1024, availableMb: 20000, objects: 3 }), { count: 3, note: null });
});

t.test('the queue: every item once, taken as workers free up', async (t) => {
  const took: Record<string, number[]> = { a: [], b: [] };
  await shareOut(7, ['a', 'b'], async (i, w) => {
    took[w]!.push(i);
    // 'a' is slow on item 0: 'b' takes everything else meanwhile.
    await new Promise((r) => setTimeout(r, w === 'a' && i === 0 ? 100 : 1));
  });
  t.same([...took.a!, ...took.b!].sort(), [0, 1, 2, 3, 4, 5, 6]);
  t.same(took.a, [0], 'the slow object did not hold up the rest');
});

t.test('a worker that fails drops out, its item goes to the others; all failing is the first error', async (t) => {
  const done: number[] = [];
  const out: string[] = [];
  await shareOut(5, ['bad', 'good'], async (i, w) => {
    if (w === 'bad') throw new Error('guest never reached the agent');
    await new Promise((r) => setTimeout(r, 5));
    done.push(i);
  }, (w, err, left) => out.push(`${w} ${(err as Error).message} ${left}`));
  t.same(done.sort(), [0, 1, 2, 3, 4]);
  t.same(out, ['bad guest never reached the agent 1']);
  const ran: number[] = [];
  await t.rejects(shareOut(3, [1, 2], async (i, w) => { if (w === 2 || i === 1) throw new Error(`down ${w}`); ran.push(i); }), /down/);
  t.ok(ran.includes(0) && !ran.includes(1), 'items are run until no worker is left; item 1 never ran');
});

t.test('vCPUs: several guests share the cores (said); one guest keeps what was asked', async (t) => {
  t.same(vcpusPerGuest({ requested: 2, guests: 1, cores: 2 }), { cpus: 2, note: null });
  t.same(vcpusPerGuest({ requested: 1, guests: 2, cores: 2 }), { cpus: 1, note: null });
  const two = vcpusPerGuest({ requested: 2, guests: 2, cores: 2 });
  t.equal(two.cpus, 1);
  t.match(two.note, /2 guests at once get 1 vCPU each, not 2 \(--cpus\): 2 cores/);
  t.equal(vcpusPerGuest({ requested: 4, guests: 2, cores: 8 }).cpus, 4, 'enough cores for all');
  t.equal(vcpusPerGuest({ requested: 4, guests: 3, cores: 8 }).cpus, 2);
  t.same(vcpusPerGuest({ requested: 1, guests: 8, cores: 2 }), { cpus: 1, note: null }, 'never below one, and nothing to say when one was asked');
});

t.test('lanes: kernels side by side first, spare guests to each kernel', async (t) => {
  t.same(planLanes({ jobs: 2, kernels: 1 }), { lanes: 1, guestsPerKernel: 2 });
  t.same(planLanes({ jobs: 2, kernels: 2 }), { lanes: 2, guestsPerKernel: 1 });
  t.same(planLanes({ jobs: 2, kernels: 3 }), { lanes: 2, guestsPerKernel: 1 }, 'the third kernel waits for a lane');
  t.same(planLanes({ jobs: 1, kernels: 3 }), { lanes: 1, guestsPerKernel: 1 }, 'one after another');
  t.same(planLanes({ jobs: 5, kernels: 2 }), { lanes: 2, guestsPerKernel: 2 }, 'never more guests than --jobs');
  t.same(planLanes({ jobs: 4, kernels: 0 }), { lanes: 1, guestsPerKernel: 4 });
});
