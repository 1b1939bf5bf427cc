// How many guests of one kernel run at once, and the work queue that shares objects out to them.
// Pure: the caller passes the machine's cores and available memory in.

export interface GuestPlan { count: number; note: string | null }

/**
 * `--jobs` (default: the cores), capped by memory: each guest takes its --memory MiB of guest RAM
 * plus QEMU's own (~64 MiB), and a host that runs out of memory kills guests mid-load, which
 * would look like kernel crashes. Never more guests than objects, never fewer than one.
 */
export function planGuests(o: { requested?: number; cores: number; memoryMb: number; availableMb: number; objects: number }): GuestPlan {
  const want = Math.max(1, o.requested ?? o.cores);
  const perGuest = o.memoryMb + QEMU_OVERHEAD_MB;
  const fit = Math.max(1, Math.floor(o.availableMb / perGuest));
  let count = Math.min(want, fit);
  const note = count < want
    ? `running ${count} guest${count > 1 ? 's' : ''} at once, not ${want}: each takes ${o.memoryMb} MiB (--memory) + ~${QEMU_OVERHEAD_MB} MiB for QEMU `
      + `and ${Math.floor(o.availableMb)} MiB are available (lower --memory or free memory for more)`
    : null;
  count = Math.max(1, Math.min(count, o.objects));
  return { count, note };
}

export const QEMU_OVERHEAD_MB = 64;

/**
 * How a run of several kernels spends `jobs` guests at once: kernels side by side, in `lanes`
 * that each take the next kernel when they finish one, each kernel with `guestsPerKernel` of the
 * guests. One guest's boot is a fixed cost loading cannot share out (a few seconds under TCG,
 * against well under a second of verification for a corpus); two kernels side by side each pay it
 * at the same time, where two guests of one kernel pay it twice over. So kernels go side by side
 * first and only spare guests go to a kernel's own queue.
 */
export function planLanes(o: { jobs: number; kernels: number }): { lanes: number; guestsPerKernel: number } {
  const jobs = Math.max(1, o.jobs);
  const lanes = Math.max(1, Math.min(jobs, o.kernels));
  return { lanes, guestsPerKernel: Math.max(1, Math.floor(jobs / lanes)) };
}

/**
 * vCPUs per guest when several guests run at once: no more, all together, than the host's cores.
 * Under TCG each vCPU is a host thread emulating a CPU flat out; two 2-vCPU guests on a 2-core host
 * time-slice four such threads (plus QEMU's I/O threads and the host's own compiling and model),
 * and a guest kernel whose vCPU is descheduled mid-IPI waits for it: more guests then bring no
 * speed-up. One guest keeps what was asked.
 */
export function vcpusPerGuest(o: { requested: number; guests: number; cores: number }): { cpus: number; note: string | null } {
  if (o.guests <= 1 || o.requested * o.guests <= o.cores) return { cpus: o.requested, note: null };
  const cpus = Math.max(1, Math.floor(o.cores / o.guests));
  if (cpus === o.requested) return { cpus, note: null };
  return { cpus, note: `${o.guests} guests at once get ${cpus} vCPU${cpus > 1 ? 's' : ''} each, not ${o.requested} (--cpus): ${o.cores} cores are shared by all of them` };
}

/**
 * Run `work(i, worker)` for every item index in order of taking, on `workers.length` workers that
 * each take the next item when they finish one (a queue, not a static split: one slow object
 * does not idle the others). A worker whose `work` throws drops out and its item goes back to the
 * queue for the others; when every worker has dropped out, the first error is thrown. Items not
 * run then are simply missing: the caller keeps what was done.
 */
export async function shareOut<W>(items: number, workers: W[], work: (i: number, worker: W) => Promise<void>,
                                  onDropout?: (worker: W, err: unknown, left: number) => void): Promise<void> {
  const queue = Array.from({ length: items }, (_, i) => i);
  const errors: unknown[] = [];
  let live = [...workers];
  // Again while items are left and workers live: an item given back after the others finished
  // their last one is still run.
  while (queue.length && live.length) {
    const dropped = new Set<W>();
    await Promise.all(live.map(async (w) => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        try {
          await work(i, w);
        } catch (err) {
          errors.push(err);
          queue.unshift(i);
          dropped.add(w);
          onDropout?.(w, err, live.length - dropped.size);
          return;
        }
      }
    }));
    live = live.filter((w) => !dropped.has(w));
  }
  if (queue.length) throw errors[0];
}
