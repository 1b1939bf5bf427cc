// The import direction, checked on every .ts file of src/, vm/ and harness/: no lower layer imports
// an upper one. Imports are read with TypeScript's own preProcessFile (static, type-only, re-export
// and dynamic import() alike), so a new upward import fails here, not in review.
//
// The layers, bottom up (a module may import its own layer and those below):
//   0 src/shared/   errors, verdict shapes, the agent protocol, errno names, the cache root. The
//                   neutral layer: host and guest both import it. It lives under src/ because the
//                   top-level layout is fixed (src/ holds all the project's TypeScript that is not
//                   guest code or VM plumbing), and under no other folder would it be neutral:
//                   inside harness/ the host would depend on guest code, inside vm/ the guest on VM
//                   plumbing. vm/ and harness/ may import src/shared/ and nothing else of src/.
//   1 harness/      guest code only (agent, load, native addon): it runs inside the VM, whose image
//                   holds harness/ and src/shared/ (vm/initramfs.ts GUEST_DIRS) and no node_modules,
//                   so it and src/shared/ import only node: built-ins and each other.
//   2 readers       src/bpf, src/elf, src/btf, src/object, src/expect; src/rules (rule tables)
//   3 profiles      src/profiles (per kernel line: kfuncs, formats, switches)
//   4 the model     src/model
//   5 analysis      src/classify, src/compare, src/build (the classifier reads the rule tables)
//   6 vm/           kernels, images, QEMU, a kernel's BTF; packages harness/ into the guest image
//   7 src/run       runCorpus: builds, boots, loads, models, compares
//   8 src/history, src/config
//   9 src/report
//  10 src/regress, src/fuzz (a campaign builds, loads, models and compares as regress does; its
//                   generator only reads the profiles)
//  11 src/cli       parses the command line once and calls the rest
// bench/, test/ and bin/ sit above everything.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '../..');

const LAYERS: [prefix: string, rank: number][] = [
  ['src/shared/', 0], ['harness/', 1],
  ['src/bpf/', 2], ['src/elf/', 2], ['src/btf/', 2], ['src/object/', 2], ['src/expect/', 2], ['src/rules/', 2],
  ['src/profiles/', 3],
  ['src/model/', 4],
  ['src/classify/', 5], ['src/compare/', 5], ['src/build/', 5],
  ['vm/', 6],
  ['src/run/', 7],
  ['src/history/', 8], ['src/config/', 8],
  ['src/report/', 9],
  ['src/regress/', 10], ['src/fuzz/', 10],
  ['src/cli/', 11],
];

/** The layer of a repository path, or null for a file outside every layer. */
function layerOf(path: string): { prefix: string; rank: number } | null {
  const hit = LAYERS.find(([p]) => path.startsWith(p));
  return hit ? { prefix: hit[0], rank: hit[1] } : null;
}

/** Why `from` may not import `spec`, or null when it may. */
function violation(from: string, spec: string): string | null {
  const src = layerOf(from);
  if (!src) return `${from} is in no layer (add it to LAYERS in test/layers.test.ts)`;
  if (!spec.startsWith('.')) {
    if (src.rank <= 1 && !spec.startsWith('node:')) return `${src.prefix} may import only node: built-ins and relative files, not '${spec}' (the guest image has no node_modules)`;
    return null;
  }
  const to = normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');
  if (!existsSync(join(root, to)) && !existsSync(join(root, to.replace(/\.ts$/, '.js')))) return `imports ${to}, which does not exist`;
  const dst = layerOf(to);
  if (!dst) return `imports ${to}, outside src/, vm/ and harness/`;
  if (dst.rank > src.rank) return `imports ${to}: ${dst.prefix} (layer ${dst.rank}) is above ${src.prefix} (layer ${src.rank})`;
  if (src.prefix === 'vm/' && to.startsWith('src/') && dst.prefix !== 'src/shared/') return `imports ${to}: vm/ may import only src/shared/ of src/`;
  return null;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return name === 'node_modules' || name === 'build' ? [] : tsFiles(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

t.test('the rules catch what they are for (so the sweep below can fail)', async (t) => {
  t.match(violation('vm/vm.ts', '../src/model/index.js'), /vm\/ may import only src\/shared\//);
  t.match(violation('vm/vm.ts', '../src/cli/main.js'), /above vm\//);
  t.match(violation('vm/vm.ts', '../src/build/cache.js'), /vm\/ may import only src\/shared\//);
  t.match(violation('harness/agent.ts', '../vm/channel.js'), /above harness\//);
  t.match(violation('harness/agent.ts', 'execa'), /only node: built-ins/);
  t.match(violation('src/shared/errors.ts', '../errors.js'), /imports src\/errors\.ts, which does not exist/);
  t.match(violation('src/model/state.ts', '../../test/run/fakes.js'), /outside src\/, vm\/ and harness\//);
  t.match(violation('src/model/state.ts', '../run/types.js'), /above src\/model\//);
  t.match(violation('src/build/cache.ts', '../../vm/cache.js'), /vm\/ \(layer 6\) is above src\/build\//);
  t.match(violation('src/classify/index.ts', '../cli/main.js'), /above/);
  t.equal(violation('src/cli/commands/load.ts', '../../../vm/vm.js'), null);
  t.equal(violation('vm/channel.ts', '../src/shared/protocol.js'), null);
  t.equal(violation('harness/agent.ts', 'node:fs'), null);
});

t.test('every import of src/, vm/ and harness/ points down (or sideways within a layer)', async (t) => {
  const files = ['src', 'vm', 'harness'].flatMap(tsFiles);
  t.ok(files.length > 100, `${files.length} files read`);
  const bad: string[] = [];
  let imports = 0;
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
      imports++;
      const why = violation(file, imp.fileName);
      if (why) bad.push(`${file}:${text.slice(0, imp.pos).split('\n').length}: ${why}`);
    }
  }
  t.ok(imports > 300, `${imports} imports checked`);
  t.same(bad, [], 'no upward imports');
  t.ok(['src/shared/', 'harness/', 'vm/', 'src/cli/'].every((p) => files.some((f) => f.startsWith(p))), 'every layer was read');
});
