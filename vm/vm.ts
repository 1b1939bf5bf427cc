// One QEMU guest serving many requests: boot once, load many objects, shut down.
// The lifecycle: build/reuse the image -> start QEMU -> connect the agent channel ->
// wait for 'ready' -> hello -> requests... -> shutdown (agent ack, poweroff, kill fallback).
// A panic, an oops or QEMU exiting fails every waiting request with VmPanicError.
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { KernelResult } from '../src/shared/verdict.js';
import { InputError } from '../src/shared/errors.js';
import { findAddon } from '../harness/native.js';
import type { Frame, Reply } from '../src/shared/protocol.js';
import { AgentChannel, type RequestBody } from './channel.js';
import { ConsoleWatcher, type ConsoleEvent } from './console.js';
import { GuestImageError, ProtocolError, VmBootError, VmPanicError, VmTimeoutError } from './errors.js';
import { buildGuestImage } from './initramfs.js';
import type { KernelImage } from './kernel.js';
import { detectAccel, markKvmUnusable, qemuArgv, type Accel } from './qemu-args.js';
import { pvhVmlinux } from './vmlinux-pvh.js';

export interface BootOptions {
  kernel: KernelImage;
  memoryMb?: number;
  cpus?: number;
  bootTimeoutMs?: number;
  requestTimeoutMs?: number;
  consoleLog?: string;            // keep the serial console here (default: a temp file, kept only on failure)
  onProgress?: (msg: string) => void;
  accel?: Accel;                  // default: KVM when /dev/kvm is usable, else TCG
  testHooks?: boolean;            // enable the agent's test-panic / test-stall requests
  /** Boot an uncompressed vmlinux through its PVH entry when the kernel has one (default true); false: always the bzImage. */
  pvh?: boolean;
  /** Aborting kills QEMU at once, also mid-boot, and removes the run directory (an interrupted run). */
  signal?: AbortSignal;
  /**
   * Boots after the first when the kernel panics or oopses while booting (default 2). Debian's 6.12
   * and 7.3 images occasionally oops in boot-time text patching under TCG with several vCPUs on a
   * busy host ("Oops: int3"); booting again costs seconds, and a kernel that cannot boot fails
   * every time all the same. `run` sets 0: its guest pool has its own policy (src/run/session.ts).
   */
  bootRetries?: number;
}

export interface LoadObjectOptions { object: string; programs?: string[]; logLevel?: number; logSize?: number; strategy?: 'auto' | 'object-load'; timeoutMs?: number }

const SHUTDOWN_WAIT_MS = 10_000;
/** util-linux's setpriv, to tie QEMU's life to ours (Debian: always installed). */
const PDEATHSIG = existsSync('/usr/bin/setpriv');
/** QEMU's words when KVM exists but cannot run the guest. */
const KVM_FAILURE = /KVM internal error|failed to set MSR|kvm_buf_set_msrs|failed to initialize kvm|Could not access KVM kernel module/;

class KvmUnusableError extends Error {
  override name = 'KvmUnusableError';
}
/** Boots after the first that panicked or oopsed while booting (BootOptions.bootRetries). */
const BOOT_RETRIES = 2;
/** After a panic line, let the trace reach the console before reporting. */
const PANIC_SETTLE_MS = 1500;

export class GuestVm {
  release = '';
  btfSize = 0;
  /** libbpf APIs newer than 1.1 compiled into the guest's addon (bpf_object__prepare, bpf_program__clone). */
  libbpfFeatures: string[] = [];
  /** qemuToReady: QEMU start to the agent's 'ready'; guestUptime: the guest's own clock at 'ready'; total: all of boot(). */
  readonly bootMs: { qemuToReady: number; guestUptime: number; total: number } = { qemuToReady: 0, guestUptime: 0, total: 0 };
  /** How the last shutdown ended: the guest powered off by itself, or QEMU had to be killed. */
  shutdownKind: 'poweroff' | 'killed' | null = null;
  private dead: Error | null = null;
  private exited = false;
  private keepConsole: boolean;

  private constructor(
    private readonly qemu: ResultPromise<{ stdin: 'ignore'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>,
    private readonly channel: AgentChannel,
    private readonly console: ConsoleWatcher,
    private readonly consoleSink: WriteStream,
    readonly consoleLog: string,
    private readonly runDir: string,
    readonly accel: Accel,
    private readonly requestTimeoutMs: number,
    userConsoleLog: boolean,
  ) {
    this.keepConsole = userConsoleLog;
  }

  static async boot(opts: BootOptions): Promise<GuestVm> {
    for (let left = opts.bootRetries ?? BOOT_RETRIES; ; left--) {
      try {
        return await GuestVm.bootOnce(opts);
      } catch (err) {
        if (!(err instanceof VmPanicError) || err.kind === 'exit' || left <= 0 || opts.signal?.aborted) throw err;
        opts.onProgress?.(`the guest did not boot (${err.message}); booting again (${err.hint ?? 'no console kept'})`);
      }
    }
  }

  private static async bootOnce(opts: BootOptions): Promise<GuestVm> {
    const auto = opts.accel === undefined;
    const accel = opts.accel ?? detectAccel();
    try {
      return await GuestVm.bootWith(opts, accel);
    } catch (err) {
      if (!(auto && accel === 'kvm' && err instanceof KvmUnusableError)) throw err;
      // /dev/kvm opens but cannot run this kernel (e.g. a kvm-pvm host that only runs PVM
      // guests, or MSRs the host refuses). Remember it for this host kernel and use TCG.
      await markKvmUnusable(err.message);
      opts.onProgress?.(`KVM cannot run this guest here (${err.message.split('\n')[0]}); using TCG`);
      return GuestVm.bootWith(opts, 'tcg');
    }
  }

  private static async bootWith(opts: BootOptions, accel: Accel): Promise<GuestVm> {
    const t0 = Date.now();
    const progress = opts.onProgress ?? (() => {});
    // The kernel line's own libbpf when vm/tools.ts built one, else setup.sh's build against the host's.
    const addon = opts.kernel.tools?.addon ?? findAddon();
    if (!addon) throw new GuestImageError('the libbpf addon is not built', 'run: bash scripts/setup.sh');
    const image = await buildGuestImage({ addonPath: addon, modules: opts.kernel.modules, onProgress: progress });
    const bootTimeoutMs = opts.bootTimeoutMs ?? (accel === 'kvm' ? 60_000 : 300_000);
    const requestTimeoutMs = opts.requestTimeoutMs ?? (accel === 'kvm' ? 120_000 : 600_000);
    if (opts.signal?.aborted) throw new VmBootError('boot interrupted before QEMU started', '');
    const runDir = await mkdtemp(join(tmpdir(), 'bpf-verdict-vm-'));
    try {
      return await GuestVm.start(opts, accel, { t0, progress, image, bootTimeoutMs, requestTimeoutMs, runDir });
    } catch (err) {
      // Interrupted: nobody will read the console of a boot the user stopped.
      if (opts.signal?.aborted) await rm(runDir, { recursive: true, force: true });
      throw err;
    }
  }

  private static async start(opts: BootOptions, accel: Accel, b: { t0: number; progress: (msg: string) => void; image: { path: string; hash: string };
                                bootTimeoutMs: number; requestTimeoutMs: number; runDir: string }): Promise<GuestVm> {
    const { t0, progress, image, bootTimeoutMs, requestTimeoutMs, runDir } = b;
    const consoleLog = opts.consoleLog ?? join(runDir, 'console.log');
    const sink = createWriteStream(consoleLog);
    const socket = join(runDir, 'agent.sock');
    // PVH only saves time: any trouble getting the vmlinux (a full disk, a damaged bzImage) boots the bzImage.
    const pvh: { path: string | null; why?: string } = opts.pvh === false ? { path: null, why: 'PVH boot off' }
      : await pvhVmlinux(opts.kernel.bzImage, progress).catch((err: unknown) => ({ path: null, why: `extracting its vmlinux failed: ${(err as Error).message}` }));
    const argv = qemuArgv({ accel, memoryMb: opts.memoryMb ?? 2048, cpus: opts.cpus ?? 2, bzImage: pvh.path ?? opts.kernel.bzImage, initrd: image.path, agentSocket: socket, testHooks: !!opts.testHooks });
    progress(`booting ${opts.kernel.id} (${accel}, image ${image.hash}, ${pvh.path ? 'PVH entry of the uncompressed kernel' : `bzImage: ${pvh.why}`})`);

    const tq = Date.now();
    // setpriv --pdeathsig: QEMU dies with us even when we cannot clean up (SIGKILL, a crash).
    const [cmd, args] = PDEATHSIG ? ['setpriv', ['--pdeathsig', 'KILL', '--', 'qemu-system-x86_64', ...argv]] : ['qemu-system-x86_64', argv];
    const qemu = execa(cmd, args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false });
    const onAbort = () => { qemu.kill('SIGKILL'); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    void qemu.finally(() => opts.signal?.removeEventListener('abort', onAbort));
    let qemuStderr = '';
    let exited = false;
    let event: ConsoleEvent | null = null;
    const watcher = new ConsoleWatcher(400, (e) => { event = e; });
    qemu.stdout.on('data', (b: Buffer) => { sink.write(b); watcher.push(b.toString('latin1')); });
    let kvmFailed: (msg: string) => void = () => {};
    const kvmFailure = new Promise<'kvm'>((r) => { kvmFailed = () => r('kvm'); });
    qemu.stderr.on('data', (b: Buffer) => {
      qemuStderr += b.toString();
      if (accel === 'kvm' && KVM_FAILURE.test(qemuStderr)) kvmFailed(qemuStderr);
    });
    const exitPromise = qemu.then((r) => { exited = true; return r; });

    const bootFail = (msg: string, hint?: string) => new VmBootError(msg, [watcher.tail(40), qemuStderr.trim() && `qemu: ${qemuStderr.trim()}`].filter(Boolean).join('\n'), hint ?? `console log: ${consoleLog}`);
    let channel: AgentChannel;
    let vmRef: GuestVm | null = null;
    try {
      channel = await AgentChannel.connect(socket, { deadline: Date.now() + bootTimeoutMs, alive: () => !exited, onFatal: (e) => vmRef?.onChannelFatal(e) });
    } catch (cause) {
      await killQemu(qemu, exitPromise);
      sink.end();
      // KVM that cannot run the guest can end QEMU before the agent socket is even up (at once
      // with the PVH entry, which skips the decompressor): the same fall-back to TCG as below.
      if (accel === 'kvm' && KVM_FAILURE.test(qemuStderr)) throw new KvmUnusableError(qemuStderr.trim());
      if (qemu.pid === undefined || /No such file|ENOENT/.test(String((await exitPromise).message ?? '')) || /failed to execute qemu-system/.test(qemuStderr)) {
        throw bootFail('could not start qemu-system-x86_64', 'install qemu-system-x86 (bash scripts/setup.sh)');
      }
      throw bootFail(`QEMU exited before the agent channel opened`, undefined);
    }
    const vm = new GuestVm(qemu, channel, watcher, sink, consoleLog, runDir, accel, requestTimeoutMs, !!opts.consoleLog);
    vmRef = vm;
    vm.watch(exitPromise, () => event);

    // Boot: wait for the agent's 'ready', racing the timeout, a panic and QEMU's exit.
    let guestUptime = 0;
    const ready = await Promise.race([
      channel.ready().then((f) => { guestUptime = ((f.header as Extract<Reply, { type: 'ready' }>).uptime ?? 0) * 1000; return 'ready' as const; }),
      exitPromise.then(() => 'exit' as const),
      kvmFailure,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), bootTimeoutMs).unref()),
    ]);
    if (ready === 'kvm' || (ready === 'exit' && accel === 'kvm' && KVM_FAILURE.test(qemuStderr))) {
      await vm.kill();
      throw new KvmUnusableError(qemuStderr.trim());
    }
    if (ready !== 'ready') {
      const ev = event as ConsoleEvent | null;
      const err = ev
        ? new VmPanicError(ev.kind, ev.line, watcher.tail(60), consoleLog)
        : ready === 'timeout'
          ? new VmTimeoutError('boot (agent ready)', bootTimeoutMs, watcher.tail(40), `console log: ${consoleLog}; under TCG a boot takes ~10 s, raise --boot-timeout if the machine is slow`)
          : bootFail('guest stopped during boot before the agent was ready');
      vm.keepConsole = true;
      await vm.kill();
      throw err;
    }
    vm.bootMs.qemuToReady = Date.now() - tq;
    vm.bootMs.guestUptime = guestUptime;
    const hello = (await vm.request({ type: 'hello' }, {})).header as Extract<Reply, { type: 'hello' }>;
    vm.release = hello.release;
    vm.btfSize = hello.btfSize;
    vm.libbpfFeatures = hello.libbpfFeatures ?? [];
    vm.bootMs.total = Date.now() - t0;
    progress(`guest ready: ${hello.release} in ${(vm.bootMs.qemuToReady / 1000).toFixed(1)} s (${hello.libbpf}, node ${hello.node})`);
    return vm;
  }

  /** Load the programs of one object in the guest kernel (one result per program). */
  async loadObject(bytes: Uint8Array, opts: LoadObjectOptions): Promise<KernelResult[]> {
    const { header } = await this.request({ type: 'load', object: opts.object, programs: opts.programs, logLevel: opts.logLevel, logSize: opts.logSize, strategy: opts.strategy }, { payload: bytes, timeoutMs: opts.timeoutMs });
    return (header as Extract<Reply, { type: 'load' }>).results;
  }

  /** The guest kernel's /sys/kernel/btf/vmlinux. */
  async readKernelBtf(): Promise<Uint8Array> {
    return (await this.request({ type: 'read-btf' }, {})).payload;
  }

  /**
   * Test hook (boot with testHooks): run argv in a fresh guest directory holding `files` (e.g. a
   * static tool and the objects it reads). `ms` is the child's wall time on the guest's clock.
   */
  async exec(argv: string[], files: { name: string; bytes: Uint8Array; mode?: number }[], timeoutMs: number): Promise<Extract<Reply, { type: 'exec' }>> {
    const payload = Buffer.concat(files.map((f) => f.bytes));
    const meta = files.map((f) => ({ name: f.name, size: f.bytes.length, mode: f.mode ?? 0o644 }));
    // The request's own timeout leaves the guest time to kill the child and answer.
    const { header } = await this.request({ type: 'exec', argv, files: meta, timeoutMs }, { payload, timeoutMs: timeoutMs + 60_000 });
    return header as Extract<Reply, { type: 'exec' }>;
  }

  /** Test hooks (boot with testHooks): crash the guest kernel, or make the agent stop answering. */
  async testHook(kind: 'panic' | 'stall' | 'garbage', timeoutMs?: number): Promise<void> {
    await this.request({ type: kind === 'panic' ? 'test-panic' : kind === 'stall' ? 'test-stall' : 'test-garbage' }, { timeoutMs });
  }

  /** QEMU's process id (for checks that it is gone). */
  get pid(): number | undefined {
    return this.qemu.pid;
  }

  get alive(): boolean {
    return !this.dead && !this.exited;
  }

  /** Clean shutdown: agent replies, host acks, guest powers off; QEMU is killed if it does not exit. Never throws. */
  async shutdown(): Promise<void> {
    if (this.alive) {
      try {
        await this.request({ type: 'shutdown' }, { timeoutMs: SHUTDOWN_WAIT_MS });
        this.channel.send({ type: 'ack' });
        const exited = await Promise.race([this.qemu.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), SHUTDOWN_WAIT_MS).unref())]);
        if (exited) this.shutdownKind = 'poweroff';
        else this.keepConsole = true; // a kernel that halts instead of powering off: worth a look
      } catch {
        this.keepConsole = true;
      }
    }
    this.shutdownKind ??= 'killed';
    await this.kill();
  }

  private async request(body: RequestBody, opts: { payload?: Uint8Array; timeoutMs?: number }): Promise<Frame<Reply>> {
    if (this.dead) throw this.dead;
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const frame = await this.channel.request(body, {
      timeoutMs,
      payload: opts.payload,
      onTimeout: (ms) => {
        // The guest's state is unknown: treat the VM as lost (callers boot a fresh one).
        const err = new VmTimeoutError(`the '${body.type}' request`, ms, this.console.tail(40), `console log: ${this.consoleLog}`);
        this.markDead(err);
        void this.kill();
        return err;
      },
    });
    const h = frame.header;
    if (h.type === 'error') {
      if (h.error.name === 'ObjectLoadError' && body.type === 'load') {
        throw new InputError(body.object, h.error.message.replace(`${body.object}: `, ''), h.error.detail?.split('\n').at(-1));
      }
      throw new ProtocolError(`guest agent failed '${body.type}': ${h.error.name}: ${h.error.message}`, undefined, h.error.detail);
    }
    return frame;
  }

  private watch(exit: Promise<unknown>, event: () => ConsoleEvent | null): void {
    // A console event (panic/oops/BUG): give the trace a moment, then fail everything.
    const timer = setInterval(() => {
      const ev = event();
      if (!ev || this.dead) return;
      clearInterval(timer);
      setTimeout(() => {
        this.markDead(new VmPanicError(ev.kind, ev.line, this.console.tail(60), this.consoleLog));
        void this.kill();
      }, this.exited ? 0 : PANIC_SETTLE_MS);
    }, 50);
    timer.unref();
    void exit.then((r) => {
      this.exited = true;
      clearInterval(timer);
      const ev = event();
      // Killed from outside (the OOM killer, a user's kill -9) or exited by itself: say which.
      const { signal, exitCode } = (r ?? {}) as { signal?: string; exitCode?: number };
      const how = signal ? `QEMU was killed by ${signal}` : `QEMU exited${exitCode !== undefined ? ` with status ${exitCode}` : ''}`;
      this.markDead(ev ? new VmPanicError(ev.kind, ev.line, this.console.tail(60), this.consoleLog)
        : new VmPanicError('exit', how, this.console.tail(60), this.consoleLog));
    });
  }

  /**
   * The channel broke (closed, or garbage). If QEMU is exiting or the console shows a
   * panic, that explanation wins (watch() reports it); otherwise report the channel's error.
   */
  private onChannelFatal(err: Error): void {
    if (this.dead) return;
    const grace = err instanceof ProtocolError && /garbage/.test(err.message) ? 0 : PANIC_SETTLE_MS * 2;
    setTimeout(() => {
      if (this.dead) return;
      this.markDead(new ProtocolError(`${err.message}; console tail:\n${this.console.tail(20)}`, `console log: ${this.consoleLog}`));
      void this.kill();
    }, grace).unref();
  }

  private markDead(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    this.channel.fail(err);
  }

  private killing: Promise<void> | null = null;
  /** Make sure QEMU is gone now (no polite shutdown); tidy the run directory (the console log survives a failure). */
  kill(): Promise<void> {
    this.killing ??= (async () => {
      this.markDead(new ProtocolError('the VM was shut down'));
      this.channel.close();
      await killQemu(this.qemu, this.qemu);
      await new Promise<void>((r) => this.consoleSink.end(() => r()));
      if (!this.keepConsole) await rm(this.runDir, { recursive: true, force: true });
      else await rm(join(this.runDir, 'agent.sock'), { force: true });
    })();
    return this.killing;
  }
}

async function killQemu(qemu: ResultPromise, exited: Promise<unknown>): Promise<void> {
  if (qemu.exitCode === null && qemu.pid !== undefined) {
    qemu.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref())]);
    if (!gone) qemu.kill('SIGKILL');
  }
  await exited;
}

/** Boot, run `fn`, and always shut the VM down (also when `fn` throws). */
export async function withVm<T>(kernel: KernelImage, opts: Omit<BootOptions, 'kernel'>, fn: (vm: GuestVm) => Promise<T>): Promise<T> {
  const vm = await GuestVm.boot({ ...opts, kernel });
  try {
    return await fn(vm);
  } finally {
    await vm.shutdown();
  }
}
