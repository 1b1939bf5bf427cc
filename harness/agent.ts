// The guest agent: PID 1's shell starts it under node; it serves framed requests on the
// virtio-serial port until the host says shutdown. Every request gets a reply: failures
// are sent back as 'error' replies, never swallowed. Imports only node: built-ins, harness/
// files and src/shared/, because the guest image holds nothing else (vm/initramfs.ts GUEST_DIRS).
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, read, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { loadAddon, type LibbpfAddon } from './native.js';
import { loadObjectPrograms, ObjectLoadError } from './load.js';
import { AGENT_PORT_NAME, encodeFrame, FrameDecoder, type ExecFile, type Reply, type Request } from '../src/shared/protocol.js';

const BTF_PATH = '/sys/kernel/btf/vmlinux';
const ACK_WAIT_MS = 5000;

function findPort(): string {
  const dir = '/sys/class/virtio-ports';
  let ports: string[];
  try {
    ports = readdirSync(dir);
  } catch {
    throw new Error(`${dir} is missing: this kernel has no virtio console driver (needs CONFIG_VIRTIO_CONSOLE and CONFIG_VIRTIO_PCI, =y or as modules)`);
  }
  for (const p of ports) {
    try {
      if (readFileSync(`${dir}/${p}/name`, 'utf8').trim() === AGENT_PORT_NAME) return `/dev/${p}`;
    } catch { /* a port without a name */ }
  }
  throw new Error(`no virtio-serial port named ${AGENT_PORT_NAME} under ${dir}`);
}

class Agent {
  private decoder = new FrameDecoder<Request>();
  private queue: Promise<void> = Promise.resolve();
  private addon: LibbpfAddon | null = null;
  private ackWaiter: (() => void) | null = null;
  private readonly testHooks = readFileSync('/proc/cmdline', 'utf8').includes('bpf_verdict.test_hooks=1');

  constructor(private readonly fd: number) {}

  send(header: Reply, payload?: Uint8Array): void {
    const frame = encodeFrame(header, payload);
    for (let off = 0; off < frame.length; ) off += writeSync(this.fd, frame, off, frame.length - off);
  }

  start(): void {
    this.send({ id: 0, type: 'ready', pid: process.pid, uptime: Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) });
    const buf = Buffer.alloc(1 << 16);
    const pump = (): void => {
      read(this.fd, buf, 0, buf.length, null, (err, n) => {
        if (err) return this.die(`reading the port: ${err.message}`);
        if (n === 0) return setTimeout(pump, 50); // host side not connected yet / reconnecting
        let frames;
        try {
          frames = this.decoder.push(buf.subarray(0, n));
        } catch (e) {
          // The stream is out of step; nothing after this can be trusted.
          this.send({ id: 0, type: 'error', error: { name: 'FrameError', message: (e as Error).message } });
          return this.die('garbage on the channel');
        }
        for (const f of frames) this.accept(f.header, f.payload);
        pump();
      });
    };
    pump();
  }

  private accept(req: Request, payload: Uint8Array): void {
    if (req.type === 'ack') {
      this.ackWaiter?.();
      return;
    }
    if (this.stalled) return; // test-stall: every later request goes unanswered
    if (req.type === 'test-stall' && this.testHooks) {
      this.stalled = true;
      return;
    }
    if (req.type === 'load') {
      // Loads run side by side, one per vCPU: each is one libbpf object on its own
      // thread-pool thread (libbpf shares nothing between objects; the verifier takes no
      // global lock for privileged loads), so a 2-vCPU guest loads ~2x as fast.
      const run = this.slot().then((release) => this.handle(req, payload).finally(release));
      const tracked = run.catch((e: unknown) => this.replyError(req.id, e));
      this.inflight.add(tracked);
      void tracked.finally(() => this.inflight.delete(tracked));
      return;
    }
    // Everything else in order, after the loads already started (shutdown must not cut one off).
    const before = [...this.inflight];
    this.queue = this.queue.then(() => Promise.allSettled(before)).then(() => this.handle(req, payload)).catch((e: unknown) => this.replyError(req.id, e));
  }

  private stalled = false;
  private inflight = new Set<Promise<void>>();
  private free = Math.max(1, Math.min(availableParallelism(), 3)); // libuv's pool has 4 threads; one blocks reading the port
  private waiting: (() => void)[] = [];

  private async slot(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    return () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }

  private async handle(req: Request, payload: Uint8Array): Promise<void> {
    switch (req.type) {
      case 'hello':
        this.addon ??= loadAddon();
        return this.send({ id: req.id, type: 'hello', release: release(), btfSize: statSync(BTF_PATH).size, libbpf: this.addon.libbpf, libbpfFeatures: [...this.addon.features], node: process.version });
      case 'load': {
        this.addon ??= loadAddon();
        const t0 = performance.now();
        const results = await loadObjectPrograms(this.addon, payload, { object: req.object, programs: req.programs, logLevel: req.logLevel, logSize: req.logSize, strategy: req.strategy });
        return this.send({ id: req.id, type: 'load', results, ms: performance.now() - t0 });
      }
      case 'read-btf': {
        const btf = readFileSync(BTF_PATH);
        return this.send({ id: req.id, type: 'read-btf', size: btf.length }, btf);
      }
      case 'shutdown': {
        const acked = new Promise<void>((resolve) => {
          this.ackWaiter = resolve;
          setTimeout(resolve, ACK_WAIT_MS);
        });
        this.send({ id: req.id, type: 'shutdown' });
        await acked; // the host has our reply: only now is powering off safe
        closeSync(this.fd);
        return hardExit(0);
      }
      case 'test-panic':
        if (!this.testHooks) throw new Error('test hooks are off (boot with testHooks to enable test-panic)');
        writeFileSync('/proc/sysrq-trigger', 'c');
        return;
      case 'test-stall':
        throw new Error('test hooks are off (boot with testHooks to enable test-stall)');
      case 'test-garbage':
        if (!this.testHooks) throw new Error('test hooks are off (boot with testHooks to enable test-garbage)');
        writeSync(this.fd, Buffer.from('Linux garbage, not a frame\n'.repeat(4)));
        return;
      case 'exec': {
        if (!this.testHooks) throw new Error('test hooks are off (boot with testHooks to enable exec)');
        const r = await runFiles(req.argv, req.files, payload, req.timeoutMs);
        return this.send({ id: req.id, type: 'exec', ...r });
      }
      case 'ack':
        return;
      default: {
        const unknown: never = req;
        throw new Error(`unknown request type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
      }
    }
  }

  private replyError(id: number, e: unknown): void {
    const err = e as Error & { errno?: number; libbpfLog?: string; available?: string[] };
    const detail = e instanceof ObjectLoadError ? [e.libbpfLog, e.available.length ? `programs in the object: ${e.available.join(', ')}` : ''].filter(Boolean).join('\n') : err.stack;
    this.send({ id, type: 'error', error: { name: err.name ?? 'Error', message: err.message ?? String(e), errno: err.errno, detail } });
  }

  die(why: string): void {
    process.stderr.write(`bpf-verdict agent: ${why}\n`);
    hardExit(1);
  }
}

/** Write `files` (their bytes one after another in `payload`) into a fresh directory and run argv there. */
async function runFiles(argv: string[], files: ExecFile[], payload: Uint8Array, timeoutMs: number):
    Promise<{ exitCode: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
  const dir = mkdtempSync('/tmp/exec-');
  try {
    let off = 0;
    for (const f of files) {
      if (f.name.includes('/') || f.name.startsWith('.')) throw new Error(`exec file names are plain names, got '${f.name}'`);
      writeFileSync(join(dir, f.name), payload.subarray(off, off + f.size), { mode: f.mode });
      off += f.size;
    }
    const t0 = performance.now();
    return await new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { cwd: dir, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        const ms = performance.now() - t0;
        if (e && typeof e.code === 'string') return resolve({ exitCode: null, signal: null, stdout, stderr: `${stderr}${e.message}`, ms });
        resolve({ exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, ms });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * process.exit() would hang: libuv joins its thread pool at exit, and one pool thread sits
 * in a read() of the port that only returns when the host writes again. The reply is
 * already written (writeSync) and acknowledged, so nothing is lost by SIGKILLing ourselves;
 * the status line tells /init's log which exit it was.
 */
function hardExit(code: number): never {
  process.stdout.write(`bpf-verdict: agent exiting (${code === 0 ? 'shutdown' : 'error'})\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

const fd = openSync(findPort(), 'r+');
const agent = new Agent(fd);
process.on('uncaughtException', (e) => {
  try { agent.send({ id: 0, type: 'error', error: { name: e.name, message: `agent crashed: ${e.message}`, detail: e.stack } }); } catch { /* port gone */ }
  agent.die(e.stack ?? e.message);
});
agent.start();
