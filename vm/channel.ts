// Host end of the agent protocol: one unix-socket connection to QEMU's virtio-serial
// chardev, requests matched to replies by id, each with its own timeout.
import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, FrameError, type Frame, type Reply, type Request } from '../src/shared/protocol.js';
import { ProtocolError } from './errors.js';

type Pending = { resolve: (f: Frame<Reply>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class AgentChannel {
  private decoder = new FrameDecoder<Reply>();
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private readyWaiters: ((f: Frame<Reply>) => void)[] = [];
  private readyFrame: Frame<Reply> | null = null;
  private failure: Error | null = null;

  private constructor(private readonly sock: Socket, private readonly onFatal: (e: Error) => void) {
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    // A closed socket usually means QEMU exited (a panic, a poweroff): the owner knows which,
    // so it decides what error waiting requests get (onFatal), not the channel.
    sock.on('error', (e) => this.onFatal(new ProtocolError(`agent channel error: ${e.message}`)));
    sock.on('close', () => this.onFatal(new ProtocolError('agent channel closed')));
  }

  /** Connect, retrying while QEMU has not created the socket yet. */
  static async connect(path: string, opts: { deadline: number; alive: () => boolean; onFatal: (e: Error) => void }): Promise<AgentChannel> {
    for (;;) {
      const sock = await new Promise<Socket | null>((resolve) => {
        const s = connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(null));
      });
      if (sock) return new AgentChannel(sock, opts.onFatal);
      if (!opts.alive() || Date.now() > opts.deadline) throw new ProtocolError(`could not connect to the agent socket ${path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The agent's unsolicited 'ready' frame (sent once it has the port open). */
  ready(): Promise<Frame<Reply>> {
    if (this.readyFrame) return Promise.resolve(this.readyFrame);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  request(body: RequestBody, opts: { timeoutMs: number; payload?: Uint8Array; onTimeout: (ms: number) => Error }): Promise<Frame<Reply>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(opts.onTimeout(opts.timeoutMs));
      }, opts.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.sock.write(encodeFrame({ ...body, id }, opts.payload));
    });
  }

  /** Fire and forget (the shutdown ack; test hooks that never answer). */
  send(body: RequestBody): void {
    if (!this.failure) this.sock.write(encodeFrame({ ...body, id: this.nextId++ }));
  }

  /** Fail every waiting request with `err` (panic, QEMU exit, timeout elsewhere). */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  close(): void {
    this.failure ??= new ProtocolError('agent channel closed by the host');
    this.sock.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Frame<Reply>[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      const err = new ProtocolError(`garbage on the agent channel: ${(e as FrameError).message}`, 'the guest agent and host disagree on the protocol; rebuild with bash scripts/setup.sh');
      this.fail(err);
      this.onFatal(err);
      return;
    }
    for (const f of frames) this.dispatch(f);
  }

  private dispatch(f: Frame<Reply>): void {
    const h = f.header;
    if (h.id === 0) {
      if (h.type === 'ready') {
        this.readyFrame = f;
        this.readyWaiters.splice(0).forEach((w) => w(f));
      } else if (h.type === 'error') {
        const err = new ProtocolError(`guest agent: ${h.error.message}`, undefined, h.error.detail);
        this.fail(err);
        this.onFatal(err);
      }
      return;
    }
    const p = this.pending.get(h.id);
    if (!p) return; // a reply after its request timed out: nobody waits for it
    this.pending.delete(h.id);
    clearTimeout(p.timer);
    p.resolve(f);
  }
}
