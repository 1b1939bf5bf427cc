// Trees on disk, on a small stand-in tree (a Makefile and kernel/bpf/verifier.c): identity,
// hardlink copies, and the promise that patching a copy never writes to the user's files.
import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, statSync, utimesSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatches, checkTree, linkCopy, touchPrivate, treeFingerprint, treeInfo, TREE_MARKER } from '../../vm/kernel-build-tree.js';
import { KernelBuildError } from '../../vm/kernel-build-errors.js';

const root = join(import.meta.dirname, '../../..');
const VERIFIER = 'int a;\nstatic void unlock(void)\n{\n\tinvalidate();\n}\nint b;\n';

function fakeTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bpfv-tree-'));
  writeFileSync(join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n');
  mkdirSync(join(dir, 'kernel/bpf'), { recursive: true });
  writeFileSync(join(dir, 'kernel/bpf/verifier.c'), VERIFIER);
  const old = new Date('2025-01-01T00:00:00Z');
  utimesSync(join(dir, 'kernel/bpf/verifier.c'), old, old);
  utimesSync(join(dir, 'Makefile'), old, old);
  return dir;
}

const PATCH = ['--- a/kernel/bpf/verifier.c', '+++ b/kernel/bpf/verifier.c', '@@ -1,6 +1,6 @@', ' int a;', ' static void unlock(void)', ' {',
  '-\tinvalidate();', '+\t/* gone */', ' }', ' int b;', ''].join('\n');

t.test('checkTree: a kernel tree is accepted with its version; other dirs are typed errors', async (t) => {
  const tree = fakeTree();
  t.same(await checkTree(tree), { path: tree, kernelVersion: '6.12.117' });
  const empty = mkdtempSync(join(tmpdir(), 'bpfv-empty-'));
  await t.rejects(checkTree(empty), { name: 'KernelBuildError', stage: 'tree', message: /not a kernel source tree/ });
  writeFileSync(join(tree, '.config'), 'CONFIG_X=y\n');
  await t.rejects(checkTree(tree), { message: /configured or built in place/, hint: /mrproper|worktree/ });
});

t.test('fingerprint: independent of location, sensitive to any edit; a fetched tree is its package version', async (t) => {
  const tree = fakeTree();
  const moved = mkdtempSync(join(tmpdir(), 'bpfv-moved-'));
  cpSync(tree, moved, { recursive: true, preserveTimestamps: true });
  const fp = await treeFingerprint(tree);
  t.equal(await treeFingerprint(moved), fp, 'same files elsewhere -> same fingerprint');
  writeFileSync(join(moved, 'kernel/bpf/verifier.c'), VERIFIER + '// edit\n');
  t.not(await treeFingerprint(moved), fp);

  writeFileSync(join(tree, TREE_MARKER), JSON.stringify({ source: 'debian-source', package: 'linux-source-6.12', version: '6.12.117-1~deb12u1', fingerprint: fp }));
  t.equal((await treeInfo(tree)).identity, 'debian-source:linux-source-6.12=6.12.117-1~deb12u1', 'the marker does not change the fingerprint');
  writeFileSync(join(tree, 'kernel/bpf/verifier.c'), VERIFIER + '// edited after fetch\n');
  const edited = await treeInfo(tree);
  t.match(edited.identity, /^tree:[0-9a-f]{64}$/, 'an edited fetched tree is keyed by its contents');
  t.equal(edited.modified, true);
});

t.test("patching a hardlink copy never writes to the user's tree", async (t) => {
  const tree = fakeTree();
  const copy = join(mkdtempSync(join(tmpdir(), 'bpfv-copy-')), 'src');
  await linkCopy(tree, copy);
  const orig = join(tree, 'kernel/bpf/verifier.c');
  t.equal(statSync(orig).nlink, 2, 'the copy shares the inode until patched');
  const patchFile = join(copy, '..', 'p.patch');
  writeFileSync(patchFile, PATCH);
  await applyPatches(copy, [{ path: patchFile, text: PATCH }]);
  t.equal(readFileSync(orig, 'utf8'), VERIFIER, "user's file unchanged");
  t.equal(statSync(orig).nlink, 1, "user's file no longer linked to the patched copy");
  t.match(readFileSync(join(copy, 'kernel/bpf/verifier.c'), 'utf8'), /\/\* gone \*\//);
  t.equal(statSync(join(copy, 'Makefile')).ino, statSync(join(tree, 'Makefile')).ino, 'untouched files stay hardlinks');
});

t.test('a patch that does not apply is a typed error carrying patch output', async (t) => {
  const tree = fakeTree();
  const copy = join(mkdtempSync(join(tmpdir(), 'bpfv-copy-')), 'src');
  await linkCopy(tree, copy);
  const p = join(root, 'test/fixtures/patches/does-not-apply.patch');
  const err = await applyPatches(copy, [{ path: p, text: readFileSync(p, 'utf8') }]).catch((e: unknown) => e);
  t.ok(err instanceof KernelBuildError);
  t.equal((err as KernelBuildError).stage, 'patch');
  t.match((err as KernelBuildError).describe(), /does not apply[\s\S]*FAILED/);
  t.equal(readFileSync(join(tree, 'kernel/bpf/verifier.c'), 'utf8'), VERIFIER);
});

t.test('touchPrivate marks files new without touching the original', async (t) => {
  const tree = fakeTree();
  const copy = join(mkdtempSync(join(tmpdir(), 'bpfv-copy-')), 'src');
  await linkCopy(tree, copy);
  const before = statSync(join(tree, 'kernel/bpf/verifier.c')).mtimeMs;
  await touchPrivate(copy, ['kernel/bpf/verifier.c', 'kernel/bpf/absent.c']);
  t.equal(statSync(join(tree, 'kernel/bpf/verifier.c')).mtimeMs, before);
  t.ok(statSync(join(copy, 'kernel/bpf/verifier.c')).mtimeMs > before + 1000);
});
