// One guest per kernel, booted once and reused; a crash or timeout costs only the program that
// caused it: the guest is replaced and the object is retried one program at a time to find it.
import type { KernelResult } from '../shared/verdict.js';
import { errText } from './describe.js';
import type { BootOptions, KernelBackend, KernelHandle, KernelSession, VmFailure } from './backend.js';

export type LoadAnswer =
  | { program: string; kind: 'result'; result: KernelResult }
  | { program: string; kind: 'failure'; failure: VmFailure }
  | { program: string; kind: 'error'; error: string };

/** The run was interrupted (its AbortSignal fired): what was in flight is not a result. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

/** Boots after the first that failed (a panic or oops while booting; any failure of a replacement guest). */
const BOOT_RETRIES = 2;

export class GuestPool {
  private vm: KernelSession | null = null;
  private booting: Promise<KernelSession> | null = null;
  /** How the prestarted boot failed, kept for the first load (which would otherwise boot again). */
  private prestartError: { err: unknown } | null = null;
  boots = 0;
  bootMs = 0;
  release: string | null = null;

  constructor(private readonly backend: KernelBackend, private readonly kernel: KernelHandle,
              private readonly opts: (n: number) => BootOptions, private readonly note: (msg: string) => void,
              private readonly signal?: AbortSignal) {
    // Interrupted: stop the guest now; the load in flight fails and load() turns that into RunInterrupted.
    signal?.addEventListener('abort', () => { void this.kill(); }, { once: true });
  }

  private session(): Promise<KernelSession> {
    if (this.signal?.aborted) return Promise.reject(new RunInterrupted('interrupted before the guest was booted'));
    if (this.prestartError) {
      const { err } = this.prestartError;
      this.prestartError = null;
      return Promise.reject(err);
    }
    if (this.vm) return Promise.resolve(this.vm);
    if (!this.booting) {
      // A replacement guest (after a crash or timeout) gets a second try: this kernel booted
      // before, so a failure now is more likely the host (a TCG guest starved on a busy machine)
      // than the kernel, and giving up would cost the rest of the corpus on this kernel. So does a
      // first guest whose kernel panicked or oopsed while booting: Debian's 6.12 and 7.3 images
      // occasionally do under TCG on a loaded host (text patching, timer checks), and booting again
      // costs seconds; a kernel that cannot boot fails every time all the same. Two more tries:
      // with several guests booting at once on a 2-core host, two flakes in a row were seen.
      const replacement = this.boots > 0;
      const retry = (left: number) => (err: unknown): Promise<KernelSession> => {
        if ((!replacement && !this.backend.vmFailure(err)) || this.signal?.aborted || left === 0) throw err;
        this.note(`a fresh guest did not boot (${errText(err).split('\n')[0]}); trying again`);
        return this.bootOnce().catch(retry(left - 1));
      };
      this.booting = this.bootOnce().catch(retry(BOOT_RETRIES)).finally(() => { this.booting = null; });
    }
    return this.booting;
  }

  private async bootOnce(): Promise<KernelSession> {
    const t0 = performance.now();
    this.boots++;
    const vm = await this.backend.boot(this.kernel, { ...this.opts(this.boots), signal: this.signal });
    this.bootMs += performance.now() - t0;
    this.release = vm.release;
    this.vm = vm;
    return vm;
  }

  /**
   * Start booting now, while the host compiles and reads objects; the boot's outcome (also a
   * failure) is delivered to the first load. Saves most of a boot's wall time on every run.
   */
  prestart(): void {
    const boot = this.session();
    // A load that joined the boot while it ran got the failure itself; otherwise the first one gets it.
    boot.catch((err) => { if (!this.vm && !this.booting) this.prestartError = { err }; });
  }

  private async discard(): Promise<void> {
    if (this.booting) await this.booting.catch(() => undefined);
    const vm = this.vm;
    this.vm = null;
    if (vm) await vm.shutdown().catch(() => undefined);
  }

  async shutdown(): Promise<void> {
    if (this.signal?.aborted) await this.kill();
    else await this.discard();
  }

  private async kill(): Promise<void> {
    const vm = this.vm ?? (this.booting ? await this.booting.catch(() => null) : null);
    this.vm = null;
    if (vm) await (vm.kill ? vm.kill() : vm.shutdown()).catch(() => undefined);
  }

  /** A load failed: when the run was interrupted, that is why, and nothing about the program is known. */
  private interrupted(err: unknown): void {
    if (this.signal?.aborted) throw new RunInterrupted('interrupted while loading', { cause: err });
  }

  /**
   * Load `programs` of one object. Boot failures propagate (the kernel is unusable); everything
   * else becomes an answer per program.
   */
  async load(bytes: Uint8Array, object: string, programs: string[], logLevel: number | undefined): Promise<LoadAnswer[]> {
    const vm = await this.session();
    try {
      const results = await vm.load(bytes, { object, logLevel });
      return results.map((r) => ({ program: r.program, kind: 'result', result: r }));
    } catch (err) {
      this.interrupted(err);
      const failure = this.backend.vmFailure(err);
      await this.discard();
      if (!failure) return programs.map((p) => ({ program: p, kind: 'error', error: errText(err) }));
      if (programs.length <= 1) return programs.map((p) => ({ program: p, kind: 'failure', failure }));
      this.note(`${object}: guest ${failure.kind} (${failure.error.split('\n')[0]}); retrying its ${programs.length} programs one at a time in a fresh guest`);
      return this.bisect(bytes, object, programs, logLevel);
    }
  }

  /**
   * load(), with `work` (host CPU: the model) done while the guest verifies: the request goes out
   * first, then `work` takes the event loop, then the answers are read. `loadMs`: the load's own
   * wall time, from sending to its answers.
   */
  async loadWhile<T>(bytes: Uint8Array, object: string, programs: string[], logLevel: number | undefined,
                     work: () => T): Promise<{ answers: LoadAnswer[]; loadMs: number; work: T }> {
    const t0 = performance.now();
    let loadMs = 0;
    const loading = this.load(bytes, object, programs, logLevel).finally(() => { loadMs = performance.now() - t0; });
    loading.catch(() => undefined);   // awaited below; a failure must not be unhandled while `work` runs
    // Let the request reach the guest before `work` takes the event loop.
    await new Promise((r) => setImmediate(r));
    const done = work();
    const answers = await loading;
    return { answers, loadMs, work: done };
  }

  private async bisect(bytes: Uint8Array, object: string, programs: string[], logLevel: number | undefined): Promise<LoadAnswer[]> {
    const answers: LoadAnswer[] = [];
    for (const p of programs) {
      const vm = await this.session();
      try {
        const results = await vm.load(bytes, { object, programs: [p], logLevel });
        for (const r of results) answers.push({ program: r.program, kind: 'result', result: r });
      } catch (err) {
        this.interrupted(err);
        const failure = this.backend.vmFailure(err);
        await this.discard();
        answers.push(failure ? { program: p, kind: 'failure', failure } : { program: p, kind: 'error', error: errText(err) });
        if (failure) this.note(`${object}: program ${p} took the guest down (${failure.kind})`);
      }
    }
    return answers;
  }
}
