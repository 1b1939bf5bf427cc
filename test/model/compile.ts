// Test helper: compile programs/basics/<name>.c with clang-19 (in the test run, no fixtures) and
// read it as a BpfObject.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readObject } from '../../src/object/read.js';
import type { BpfObject } from '../../src/object/types.js';

/** The repository root (the nearest directory with package.json), wherever the compiled test runs from. */
function repoRoot(): string {
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}
export const BASICS = join(repoRoot(), 'programs/basics');
const out = mkdtempSync(join(tmpdir(), 'mcore-'));

/** The include flags for uapi headers (asm/types.h lives in the multiarch dir on Debian). */
export const UAPI_INCLUDES = ['-I/usr/include/x86_64-linux-gnu'];

export async function compileBasics(name: string): Promise<string> {
  const obj = join(out, `${name}.o`);
  await execa('clang-19', ['-target', 'bpf', '-g', '-O2', '-mcpu=v3', ...UAPI_INCLUDES, '-c', join(BASICS, `${name}.c`), '-o', obj]);
  return obj;
}

export async function basicsObject(name: string): Promise<BpfObject> {
  const path = await compileBasics(name);
  return readObject(new Uint8Array(readFileSync(path)), path);
}

export const BASICS_FILES = ['stack', 'regs', 'maps', 'calls', 'loops', 'ctx', 'ringbuf', 'globals', 'mapinmap', 'licence', 'rodata'];
