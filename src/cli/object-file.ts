// Reading a BPF object file from disk for the commands that take OBJ.o arguments. Only regular
// files, and only up to a size no BPF object reaches: `model /dev/zero` or a FIFO would otherwise
// read without end.
import { open } from 'node:fs/promises';
import { InputError } from '../shared/errors.js';

/** Larger than any object clang or the selftests produce (the biggest selftests objects are a few MiB). */
export const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

const HINT = 'give the path of a BPF object built with clang-19 -target bpf -g -O2 -c prog.bpf.c -o prog.bpf.o';

/** The file's bytes, or an InputError naming the path and what is wrong with it. */
export async function readObjectFile(path: string, maxBytes = MAX_OBJECT_BYTES): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new InputError(path, `cannot read: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim(), HINT, { cause: err });
  }
  try {
    // fstat on the open handle: what is read is what was checked
    const st = await fh.stat();
    if (st.isDirectory()) throw new InputError(path, 'is a directory, not an object file', HINT);
    if (!st.isFile()) throw new InputError(path, 'is not a regular file (a device, FIFO or socket)', HINT);
    if (st.size > maxBytes) throw new InputError(path, `is ${st.size} bytes, more than the ${maxBytes} a BPF object can plausibly be`, HINT);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await fh.read(buf, got, st.size - got, got);
      if (bytesRead === 0) break; // truncated while we read: parse what is there, the readers say what is missing
      got += bytesRead;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, `cannot read: ${(err as Error).message}`, HINT, { cause: err });
  } finally {
    await fh.close();
  }
}
