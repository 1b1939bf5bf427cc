import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, loadConfig, findConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputError } from '../../src/errors.js';

t.test('a full file: values, relative paths resolved against the file', async (t) => {
  const cfg = parseConfig([
    'kernels: [debian:6.12, "file:/boot/vmlinuz"]',
    'corpus:',
    '  - programs',
    '  - /abs/progs',
    'include: ["*.c"]',
    'exclude: ["basics/**"]',
    'build:',
    '  includeDirs: [programs/include]',
    '  cflags: [-DFOO=1]',
    'timeouts: { boot: 90, load: 30 }',
    'memory: 2048',
    'cpus: 2',
    'profile: 7.3',
  ].join('\n'), '/etc/bv/bpf-verdict.yaml');
  t.same(cfg.kernels, ['debian:6.12', 'file:/boot/vmlinuz']);
  t.same(cfg.corpus, ['/etc/bv/programs', '/abs/progs']);
  t.same(cfg.exclude, ['basics/**']);
  t.same(cfg.build, { includeDirs: ['/etc/bv/programs/include'], cflags: ['-DFOO=1'] });
  t.same(cfg.timeouts, { bootSec: 90, loadSec: 30 });
  t.equal(cfg.memoryMb, 2048);
  t.equal(cfg.cpus, 2);
  t.equal(cfg.profile, '7.3');
  t.equal(parseConfig('profile: "6.1"\n', '/x/bpf-verdict.yaml').profile, '6.1');
  t.equal(parseConfig('# nothing\n', '/x/bpf-verdict.yaml').profile, null, 'absent: each kernel gets its own line');
});

t.test('empty file and missing keys: defaults, with paths relative to the file', async (t) => {
  const cfg = parseConfig('# nothing\n', '/x/bpf-verdict.yaml');
  t.same(cfg.kernels, DEFAULT_CONFIG.kernels);
  t.same(cfg.corpus, ['/x/programs']);
  t.same(cfg.build.includeDirs, ['/x/programs/include']);
});

t.test('errors point to the line', async (t) => {
  const cases: [string, RegExp][] = [
    ['kernels: [debian:6.12]\nmemory: lots\n', /line 2: memory must be a number/],
    ['kernels: [debian:6.12]\ncorpus: programs\nkernal: x\n', /line 3: unknown key 'kernal'/],
    ['kernels:\n  - debian:6.12\n  - {a: 1}\n', /line 3: kernels: every entry must be a string/],
    ['timeouts:\n  boot: 10\n  lod: 5\n', /line 3: unknown key 'timeouts.lod'/],
    ['kernels: [debian:6.12\ncorpus: x\n', /line \d+: YAML syntax error/],
    ['kernels: []\n', /line 1: kernels is empty/],
    ['- a\n- b\n', /line 1: the configuration must be a mapping/],
    // YAML reads 6.10 as the number 6.1: the text as written is checked, so it is not taken for 6.1
    ['profile: 6.10\n', /line 1: unknown profile '6\.10': use one of 6\.1, 6\.12, 7\.3, bpf-next/],
  ];
  for (const [text, re] of cases) {
    const err = t.throws(() => parseConfig(text, '/c/bpf-verdict.yaml')) as unknown;
    t.ok(err instanceof InputError, 'typed InputError');
    t.match((err as Error).message, /^\/c\/bpf-verdict.yaml: /);
    t.match((err as Error).message, re);
  }
});

t.test('findConfig / loadConfig on files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bv-config-'));
  t.equal(findConfig(undefined, dir), null);
  t.same(loadConfig(null).kernels, ['debian:6.12']);
  writeFileSync(join(dir, 'bpf-verdict.yaml'), 'kernels: [debian:6.12]\nmemory: 512\n');
  t.equal(findConfig(undefined, dir), join(dir, 'bpf-verdict.yaml'));
  t.equal(loadConfig(join(dir, 'bpf-verdict.yaml')).memoryMb, 512);
  t.throws(() => loadConfig(join(dir, 'missing.yaml')), /cannot read the configuration/);
});
