// The agent protocol: framed messages over the virtio-serial port, both directions.
// Frame = "BPFV" | u32le header length | u32le payload length | JSON header | payload bytes.
// The payload carries binary data (an object file, the kernel BTF) without base64.
// Pure: no I/O. The decoder throws FrameError for garbage and oversize frames, so a
// corrupted channel is an error the caller reports, never a hang.
// src/shared/ is the neutral bottom layer: host (src/, vm/) and guest (harness/) import it, it imports
// nothing of theirs (why it sits under src/: test/layers.test.ts).
import type { KernelResult } from './verdict.js';

export const MAGIC = 0x56465042; // "BPFV" read as u32le
/** The virtio-serial port's name: QEMU creates it (vm/qemu-args.ts), the agent looks it up. */
export const AGENT_PORT_NAME = 'org.bpfverdict.agent';
export const HEADER_LIMIT = 64 << 20;   // JSON: load results with whole verifier logs
export const PAYLOAD_LIMIT = 256 << 20; // objects and kernel BTF (~6 MB for 6.12)
const PREFIX = 12;

export type Request =
  | { id: number; type: 'hello' }
  | { id: number; type: 'load'; object: string; programs?: string[]; logLevel?: number; logSize?: number; strategy?: 'auto' | 'object-load' } // payload: object bytes
  | { id: number; type: 'read-btf' }
  | { id: number; type: 'shutdown' }
  | { id: number; type: 'ack' }           // host: shutdown reply received, power off now
  | { id: number; type: 'test-panic' }    // test hook: crash the guest kernel (sysrq c)
  | { id: number; type: 'test-stall' }    // test hook: stop answering
  | { id: number; type: 'test-garbage' }  // test hook: write bytes that are not a frame
  // Test hook (benchmarks: bench/veristat.ts): write the payload's files into a fresh directory and run
  // argv there (argv[0] one of those files or a guest path); the payload is the files' bytes, in order.
  | { id: number; type: 'exec'; argv: string[]; files: ExecFile[]; timeoutMs: number };

/** One file of an 'exec' request: its name in the run directory, its size in the payload, its mode. */
export interface ExecFile { name: string; size: number; mode: number }

export type Reply =
  | { id: 0; type: 'ready'; pid: number; uptime: number }     // unsolicited, when the agent has the port open; guest seconds since boot
  | { id: number; type: 'hello'; release: string; btfSize: number; libbpf: string; libbpfFeatures: string[]; node: string }
  | { id: number; type: 'load'; results: KernelResult[]; ms: number }
  | { id: number; type: 'read-btf'; size: number }           // payload: /sys/kernel/btf/vmlinux
  | { id: number; type: 'shutdown' }
  // exitCode null: killed by `signal` (the request's timeout: SIGKILL); ms: the child's wall time on the guest's clock
  | { id: number; type: 'exec'; exitCode: number | null; signal: string | null; stdout: string; stderr: string; ms: number }
  | { id: number; type: 'error'; error: { name: string; message: string; errno?: number; detail?: string } };

export interface Frame<T> {
  header: T;
  payload: Uint8Array;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

export function encodeFrame(header: object, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length > HEADER_LIMIT) throw new FrameError(`frame header is ${json.length} bytes, over the ${HEADER_LIMIT}-byte limit`);
  if (payload.length > PAYLOAD_LIMIT) throw new FrameError(`frame payload is ${payload.length} bytes, over the ${PAYLOAD_LIMIT}-byte limit`);
  const prefix = Buffer.alloc(PREFIX);
  prefix.writeUInt32LE(MAGIC, 0);
  prefix.writeUInt32LE(json.length, 4);
  prefix.writeUInt32LE(payload.length, 8);
  return Buffer.concat([prefix, json, payload]);
}

/** Incremental decoder: feed chunks as they arrive, get whole frames back. */
export class FrameDecoder<T = unknown> {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Uint8Array): Frame<T>[] {
    // Copied: callers (the agent's read loop) reuse their buffer for the next read.
    this.chunks.push(Buffer.from(chunk));
    this.buffered += chunk.byteLength;
    const frames: Frame<T>[] = [];
    for (;;) {
      if (this.buffered < PREFIX) return frames;
      if (this.chunks[0]!.length < PREFIX) this.flatten();
      let buf = this.chunks[0]!;
      const magic = buf.readUInt32LE(0);
      if (magic !== MAGIC) {
        throw new FrameError(`not a frame: expected magic "BPFV", got ${JSON.stringify(buf.subarray(0, 16).toString('latin1'))}`);
      }
      const hlen = buf.readUInt32LE(4);
      const plen = buf.readUInt32LE(8);
      if (hlen > HEADER_LIMIT) throw new FrameError(`frame header length ${hlen} is over the ${HEADER_LIMIT}-byte limit`);
      if (plen > PAYLOAD_LIMIT) throw new FrameError(`frame payload length ${plen} is over the ${PAYLOAD_LIMIT}-byte limit`);
      // Wait for the whole frame before joining chunks (no quadratic copying of big payloads).
      if (this.buffered < PREFIX + hlen + plen) return frames;
      buf = this.flatten();
      let header: T;
      try {
        header = JSON.parse(buf.subarray(PREFIX, PREFIX + hlen).toString('utf8')) as T;
      } catch (err) {
        throw new FrameError(`frame header is not JSON: ${(err as Error).message}`);
      }
      if (typeof header !== 'object' || header === null || typeof (header as { id?: unknown }).id !== 'number') {
        throw new FrameError('frame header has no numeric id');
      }
      // Copy the payload out: the rest of the buffer is reused for the next frame.
      const payload = Uint8Array.prototype.slice.call(buf, PREFIX + hlen, PREFIX + hlen + plen);
      frames.push({ header, payload });
      this.chunks = [buf.subarray(PREFIX + hlen + plen)];
      this.buffered -= PREFIX + hlen + plen;
    }
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.buffered;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
}
