import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, loadConfig, findConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputError } from '../../src/shared/errors.js';

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
    'profile: 6.1',
  ].join('\n'), '/etc/bv/bpf-verdict.yaml');
  t.same(cfg.kernels, ['debian:6.12', 'file:/boot/vmlinuz']);
  t.same(cfg.corpus, ['/etc/bv/programs', '/abs/progs']);
  t.same(cfg.exclude, ['basics/**']);
  t.same(cfg.build, { includeDirs: ['/etc/bv/programs/include'], cflags: ['-DFOO=1'] });
  t.same(cfg.timeouts, { bootSec: 90, loadSec: 30 });
  t.equal(cfg.memoryMb, 2048);
  t.equal(cfg.cpus, 2);
  t.equal(cfg.profile, '6.1', 'an unquoted 6.1 is the profile 6.1');
  t.equal(parseConfig('profile: 6.12\n', '/x/bpf-verdict.yaml').profile, '6.12');
  t.equal(parseConfig('profile: "7.3"\n', '/x/bpf-verdict.yaml').profile, '7.3');
  t.equal(parseConfig('profile: bpf-next\n', '/x/bpf-verdict.yaml').profile, 'bpf-next');
  t.equal(parseConfig('# nothing\n', '/x/bpf-verdict.yaml').profile, null, 'absent: each kernel gets its own line');
});

t.test('empty file and missing keys: defaults, with paths relative to the file', async (t) => {
  const cfg = parseConfig('# nothing\n', '/x/bpf-verdict.yaml');
  t.same(cfg.kernels, DEFAULT_CONFIG.kernels);
  t.same(cfg.corpus, ['/x/programs']);
  t.same(cfg.build.includeDirs, ['/x/programs/include']);
});

t.test('profileGaps: a reason per kernel range, checked with the file', async (t) => {
  t.same(parseConfig('profileGaps:\n  "7.3-": "graph rules not stated yet"\n', '/x/bpf-verdict.yaml').profileGaps, [{ range: '7.3-', reason: 'graph rules not stated yet' }]);
  t.same(parseConfig('# none\n', '/x/bpf-verdict.yaml').profileGaps, []);
  t.throws(() => parseConfig('profileGaps:\n  "seven": "x"\n', '/c/bpf-verdict.yaml'), /line 2: profileGaps: .*seven/);
  t.throws(() => parseConfig('profileGaps:\n  "7.3-": ""\n', '/c/bpf-verdict.yaml'), /profileGaps: '7.3-' needs a reason/);
  t.throws(() => parseConfig('profileGaps: [1]\n', '/c/bpf-verdict.yaml'), /profileGaps must be a mapping/);
});

t.test('kernelOnly: a glob per kernel range, checked with the file', async (t) => {
  t.same(parseConfig('kernelOnly:\n  "linux-7.3/**": "7.3-"\n', '/x/bpf-verdict.yaml').kernelOnly, [{ glob: 'linux-7.3/**', range: '7.3-' }]);
  t.same(parseConfig('kernelOnly: { "old/**": 6.10 }\n', '/x/bpf-verdict.yaml').kernelOnly, [{ glob: 'old/**', range: '6.10' }], 'the range as written, not YAML\'s number');
  t.same(parseConfig('# none\n', '/x/bpf-verdict.yaml').kernelOnly, []);
  t.throws(() => parseConfig('kernelOnly:\n  "x/**": "seven"\n', '/c/bpf-verdict.yaml'), /line 2: kernelOnly: 'x\/\*\*': 'seven' is not a kernel version/);
  t.throws(() => parseConfig('kernelOnly: [a]\n', '/c/bpf-verdict.yaml'), /line 1: kernelOnly must be a mapping/);
});

t.test('errors point to the line', async (t) => {
  const cases: [string, RegExp][] = [
    ['kernels: [debian:6.12]\nmemory: lots\n', /line 2: memory must be an integer from 256 to 65536/],
    ['kernels: [debian:6.12]\ncorpus: programs\nkernal: x\n', /line 3: unknown key 'kernal'/],
    ['kernels:\n  - debian:6.12\n  - {a: 1}\n', /line 3: kernels: every entry must be a string/],
    ['timeouts:\n  boot: 10\n  lod: 5\n', /line 3: unknown key 'timeouts.lod'/],
    ['kernels: [debian:6.12\ncorpus: x\n', /line \d+: YAML syntax error/],
    ['kernels: []\n', /line 1: kernels is empty/],
    ['- a\n- b\n', /line 1: the configuration must be a mapping/],
    // The profile is checked with the file, before any kernel is resolved (see test/cli/run-refusals).
    ['kernels: [debian:6.12]\nprofile: nonsense\n', /line 2: unknown profile 'nonsense'\n\s+hint: use one of: 6\.1, 6\.12, 7\.3, bpf-next/],
    // Unquoted, 6.10 is the number 6.1 to YAML: judged as written (so not taken for 6.1), and the hint says why.
    ['cpus: 1\n\nprofile: 6.10\n', /line 3: unknown profile '6\.10'[\s\S]*unquoted, YAML reads 6\.10 as the number 6\.1/],
    ['profile: __proto__\n', /line 1: unknown profile '__proto__'/],
    ['memory: 128\n', /line 1: memory must be an integer from 256 to 65536/],
    ['kernels:\n  - debian:6.12\n  - ubuntu:24.04\n', /line 3: kernels: unknown kernel spec 'ubuntu:24\.04'\n\s+hint: kernel specs: debian:6\.12/],
    ['cpus: 1.5\n', /line 1: cpus must be an integer from 1 to 64/],
  ];
  for (const [text, re] of cases) {
    const err = t.throws(() => parseConfig(text, '/c/bpf-verdict.yaml')) as unknown;
    t.ok(err instanceof InputError, 'typed InputError');
    t.match((err as Error).message, /^\/c\/bpf-verdict.yaml: /);
    t.match((err as InputError).describe(), re);
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
