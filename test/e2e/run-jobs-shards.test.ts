// --jobs and --shard on the config's real kernels (Debian's 6.12 and 7.3 in QEMU) with a small part
// of the corpus: two kernels side by side, or two guests of one kernel, give the records of one
// guest at a time, in the same order; two shards merged give the
// records of one unsharded run. Records are compared without what differs from guest to guest
// whatever the scheduling: timings (the model's ms, the verifier's "verification time" line) and
// the kernel addresses of maps the verifier prints for ld_imm64 (0xff11..., 0xffa0...).
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const cli = join(root, 'bin', 'bpf-verdict.js');
const subset = ['programs/list', 'programs/alloc'];
const tmp = mkdtempSync(join(tmpdir(), 'bv-jobs-'));

async function bv(args: string[]) {
  const r = await execa('node', [cli, ...args], { cwd: root, reject: false, timeout: 20 * 60_000 });
  t.comment(`bpf-verdict ${args.join(' ')}: exit ${r.exitCode}\n${r.stderr.split('\n').slice(-4).join('\n')}`);
  return r;
}
function untimed(stdout: string): Record<string, any>[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => {
    // kernel addresses (map values in logs and 7.x failure reports) differ between any two guests
    const j = JSON.parse(l.replace(/\b0xff[0-9a-f]{14}\b/g, '0xKERNEL_ADDRESS')) as Record<string, any>;
    j.model.ms = null;
    if (j.kernel.stats) j.kernel.stats.verificationUs = null;   // the same verification, timed again
    j.kernel.log = String(j.kernel.log).replace(/^verification time \d+ usec$/gm, 'verification time _ usec')
      .replace(/\b0xff[0-9a-f]{14}\b/g, '0xKERNEL_ADDRESS');
    return j;
  });
}
const key = (j: Record<string, any>) => `${j.object}:${j.program}`;

const one = await bv(['run', '--json', '--quiet', '-j', '1', ...subset]);
const ones = untimed(one.stdout);

t.test('the subset ran in one guest', async (t) => {
  t.ok(ones.length >= 20, `${ones.length} programs`);
  t.equal(one.exitCode, 0);
});

t.test('--jobs 2, the config\'s two kernels side by side (a guest each): the same records in the same order', async (t) => {
  const two = await bv(['run', '--json', '-j', '2', ...subset]);
  t.equal(two.exitCode, one.exitCode);
  t.match(two.stderr, /kernel debian:6\.12 .*1 guest boot/, 'one guest of 6.12');
  t.match(two.stderr, /kernel debian:7\.3 .*1 guest boot/, 'one guest of 7.3');
  const twos = untimed(two.stdout);
  t.same(twos.map(key), ones.map(key), 'same order');
  t.same(twos, ones, 'same records');
});

t.test('--jobs 2 on one kernel: two guests share its objects; the same records in the same order', async (t) => {
  const two = await bv(['run', '--json', '-j', '2', '--kernel', 'debian:6.12', ...subset]);
  t.equal(two.exitCode, one.exitCode);
  t.match(two.stderr, /2 guest boots/, 'two guests booted');
  const twos = untimed(two.stdout);
  const ones612 = ones.filter((j) => j.kernel_spec === 'debian:6.12');
  t.ok(ones612.length > 0 && ones612.length < ones.length, 'the one-guest run had both kernels');
  t.same(twos.map(key), ones612.map(key), 'same order');
  t.same(twos, ones612, 'same records');
});

t.test('two shards merged: the records of one unsharded run', async (t) => {
  const files: string[] = [];
  for (const s of ['1/2', '2/2']) {
    const r = await bv(['run', '--json', '--quiet', '-j', '1', '--shard', s, ...subset]);
    t.equal(r.exitCode, 0, `shard ${s}`);
    t.ok(r.stdout.trim(), `shard ${s} is not empty`);
    const f = join(tmp, `shard-${s.replace('/', '-of-')}.jsonl`);
    writeFileSync(f, r.stdout);
    files.push(f);
  }
  const merged = await bv(['merge', '--json', '--quiet', ...files.reverse()]);
  t.equal(merged.exitCode, one.exitCode);
  const m = untimed(merged.stdout);
  t.same(m.map(key), ones.map(key), 'same order');
  t.same(m, ones, 'same records');
});
