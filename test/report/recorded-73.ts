// A ProgramRecord around a RECORDED real 7.3.4 log (test/fixtures/classify/debian-7.3.4.json,
// alloc/leak.c leak_simple: a leak, its failure report, then the error line), for report tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readVerifierLog } from '../../src/shared/verifier-log.js';
import { parseExpectation } from '../../src/expect/tags.js';
import type { ProgramRecord, RunResult } from '../../src/run/types.js';

export function leakRecord73(): ProgramRecord {
  const k73 = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/classify/debian-7.3.4.json'), 'utf8')) as
    { results: { program: string; log: string }[] };
  const log = k73.results.find((r) => r.program === 'leak_simple')!.log;
  const read = readVerifierLog(log);
  return {
    kernel: 'debian:7.3', kernelId: 'debian-7.3.4', profile: '7.3', object: 'programs/alloc/leak.c', source: null, objectFile: null,
    program: 'leak_simple', section: 'tc', outcome: 'model-differs', expectation: parseExpectation(['comment:1:test_expect_failure']),
    kernelSide: { kind: 'result', class: { rule: null, message: read.errorLine, insn: 8 },
      result: { object: 'leak.o', program: 'leak_simple', section: 'tc', verdict: 'reject', errno: 13, message: read.errorLine, log, stats: read.stats, reports: read.reports } },
    kernelClass: { rule: null, message: read.errorLine, insn: 8 },
    model: { object: 'leak.o', program: 'leak_simple', section: 'tc', verdict: 'reject', rule: 'ref.unreleased', insn: 8, message: 'Unreleased reference id=9 alloc_insn=3', ms: 1 },
    comparison: { outcome: 'model-differs', reasons: ['both reject; the kernel message is not classified and the messages differ'], expectationOk: true, messages: null, modelAgrees: false, difference: null },
    insns: [],
  };
}

export function resultOf(...records: ProgramRecord[]): RunResult {
  const counts = { agree: 0, declared: 0, 'model-differs': 0, 'expectation-differs': 0, unsupported: 0, 'loader-error': 0, crash: 0, timeout: 0, 'model-error': 0 };
  for (const r of records) counts[r.outcome]++;
  const kernels = [...new Set(records.map((r) => r.kernel))].map((spec) => ({
    spec, id: spec.replace(':', '-'), release: '7.3.4+deb13-amd64', profile: '7.3', profileNote: null, error: null, boots: 1,
    ms: { resolve: 0, build: 0, boot: 0, load: 0, model: 0 }, built: { compiled: 0, cached: 0, failed: 0 }, verificationUs: 0,
  }));
  return { startedAt: '2026-11-29T00:00:00.000Z', durationMs: 1, kernels, records, counts, exitCode: 1 };
}
