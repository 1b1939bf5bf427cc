// Test helper: compile a C fixture with clang-19 into a temp dir and read it as a BpfObject.
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readObject } from '../../../src/object/read.js';
import type { BpfObject } from '../../../src/object/types.js';

export const FIXTURES = resolve(import.meta.dirname, '../../../../test/fixtures/graph');
const out = mkdtempSync(join(tmpdir(), 'mgraph-'));

/** clang-19 -target bpf -g -O2 -mcpu=v3 fixtures/graph/<name>.c; returns the object path. */
export async function compileFixture(name: string, extraInclude: string[] = []): Promise<string> {
  const src = join(FIXTURES, `${name}.c`);
  const obj = join(out, `${basename(name)}.o`);
  await execa('clang-19', ['-target', 'bpf', '-g', '-O2', '-mcpu=v3', `-I${FIXTURES}`, ...extraInclude.map((d) => `-I${d}`), '-c', src, '-o', obj]);
  return obj;
}

export async function fixtureObject(name: string): Promise<BpfObject> {
  const path = await compileFixture(name);
  return readObject(new Uint8Array(readFileSync(path)), path);
}
