// Regenerate a kernel line's tree data: node dist/scripts/gen-profile-data.js LINE TREE
// (e.g. 6.12 /root/scratch/trees/linux-source-6.12, or a tree from `bpf-verdict kernel fetch
// debian-source:6.12`). Writes src/profiles/linux-LINE/tree.generated.ts.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readTreeData, renderTreeData } from '../src/profiles/generate.js';
import { BpfVerdictError } from '../src/shared/errors.js';

const [line, tree] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'src/profiles', `linux-${line}`);
if (!line || !tree || !existsSync(dir)) {
  process.stderr.write('usage: node dist/scripts/gen-profile-data.js LINE TREE   (LINE: a folder src/profiles/linux-LINE)\n');
  process.exit(2);
}
const out = join(dir, 'tree.generated.ts');
let data;
try {
  data = readTreeData(tree);
} catch (err) {
  if (!(err instanceof BpfVerdictError)) throw err;
  process.stderr.write(`gen-profile-data: ${err.describe()}\n`);
  process.exit(3);
}
writeFileSync(out, renderTreeData(line, basename(resolve(tree)), data));
process.stdout.write(`${out}: ${data.kfuncs.length} kfuncs, ${data.formats.length} formats (Linux ${data.release})\n`);
