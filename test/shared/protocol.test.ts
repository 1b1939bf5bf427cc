import t from 'tap';
import { encodeFrame, FrameDecoder, FrameError, HEADER_LIMIT, MAGIC, PAYLOAD_LIMIT } from '../../src/shared/protocol.js';

t.test('a frame round-trips with its binary payload', async (t) => {
  const payload = Uint8Array.from([0, 1, 2, 255]);
  const frames = new FrameDecoder().push(encodeFrame({ id: 3, type: 'load', object: 'a.o' }, payload));
  t.equal(frames.length, 1);
  t.same(frames[0]!.header, { id: 3, type: 'load', object: 'a.o' });
  t.same([...frames[0]!.payload], [0, 1, 2, 255]);
});

t.test('partial frames wait for more bytes, byte by byte', async (t) => {
  const bytes = Buffer.concat([encodeFrame({ id: 1, type: 'hello' }), encodeFrame({ id: 2, type: 'read-btf' }, Buffer.alloc(1000, 7))]);
  const d = new FrameDecoder();
  const got: unknown[] = [];
  for (const b of bytes) got.push(...d.push(Uint8Array.of(b)));
  t.equal(got.length, 2);
  t.equal(d.pending, 0);
});

t.test('the decoder copies its input: a reused read buffer does not corrupt a pending frame', async (t) => {
  const frame = encodeFrame({ id: 9, type: 'load' }, Buffer.from('ELF-BYTES'));
  const buf = Buffer.alloc(frame.length);
  const d = new FrameDecoder();
  frame.copy(buf, 0, 0, 20);
  t.same(d.push(buf.subarray(0, 20)), []);
  buf.fill(0x41); // the agent's next read() reuses the buffer
  frame.copy(buf, 0, 20);
  const [f] = d.push(buf.subarray(0, frame.length - 20));
  t.equal(Buffer.from(f!.payload).toString(), 'ELF-BYTES');
});

t.test('garbage is an error, not a hang', async (t) => {
  t.throws(() => new FrameDecoder().push(Buffer.from('Linux version 6.12.117 garbage')), FrameError);
});

t.test('oversize lengths are errors as soon as the prefix arrives', async (t) => {
  const big = Buffer.alloc(12);
  big.writeUInt32LE(MAGIC, 0);
  big.writeUInt32LE(HEADER_LIMIT + 1, 4);
  t.throws(() => new FrameDecoder().push(big), /header length .* over/);
  big.writeUInt32LE(10, 4);
  big.writeUInt32LE(PAYLOAD_LIMIT + 1, 8);
  t.throws(() => new FrameDecoder().push(big), /payload length .* over/);
});

t.test('a header that is not JSON, or has no id, is an error', async (t) => {
  const bad = Buffer.alloc(12 + 3);
  bad.writeUInt32LE(MAGIC, 0);
  bad.writeUInt32LE(3, 4);
  bad.write('{{{', 12);
  t.throws(() => new FrameDecoder().push(bad), /not JSON/);
  t.throws(() => new FrameDecoder().push(encodeFrame({ type: 'hello' })), /no numeric id/);
});

t.test('the encoder refuses frames the decoder would refuse', async (t) => {
  t.throws(() => encodeFrame({ id: 1 }, new Uint8Array(PAYLOAD_LIMIT + 1)), FrameError);
});
