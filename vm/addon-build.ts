// The libbpf addon (harness/native) linked statically against a libbpf built from a kernel tree
// (vm/tools-build.ts), so the guest needs no libbpf.so of any version; libbpf's symbols stay inside
// the addon (--exclude-libs). libelf and zlib are linked as shared libraries (Debian 12's libelf1
// and zlib1g; the guest image carries what ldd lists): Debian's libelf.a is not position-independent
// (initial-exec TLS, R_X86_64_TPOFF32 in elf_error.o), so it cannot go into a shared object.
// Cached under <cache>/addons/<hash>/ per libbpf build, addon source, node ABI and compiler.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ADDON_FILE, ADDON_MANIFEST, type AddonManifest } from '../harness/native.js';
import { cacheDir, publishDir } from './cache.js';
import { ToolsBuildError, type ToolsBuild } from './tools-build.js';
import { featureDefines, overrideObjcopyArgs, STATIC_ADDON_DEFINES, STATIC_ADDON_LDFLAGS } from './tools-key.js';

export interface AddonBuild { path: string; manifest: AddonManifest }

/** Repository root (this file is dist/vm/addon-build.js once compiled). */
function repoRoot(): string {
  return dirname(dirname(dirname(fileURLToPath(import.meta.url))));
}

function nodeGyp(root: string): string {
  const local = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(local)) return local;
  return join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

async function sourceHash(nativeDir: string): Promise<string> {
  const h = createHash('sha256');
  const files = ['binding.gyp', ...(await readdir(join(nativeDir, 'src'))).sort().map((f) => `src/${f}`)];
  for (const f of files) h.update(`${f}\n`).update(await readFile(join(nativeDir, f)));
  return h.digest('hex');
}

export async function buildAddon(tools: ToolsBuild, progress: (m: string) => void = () => {}): Promise<AddonBuild> {
  const root = repoRoot();
  const nativeDir = join(root, 'harness', 'native');
  const gxx = (await execa('g++', ['--version'], { reject: false })).stdout.split('\n')[0] ?? 'g++';
  const origin = `tools/lib/bpf of ${tools.treeLabel}`;
  // The origin is part of the key: the guest reads it from the manifest beside the addon.
  const key = createHash('sha256').update(JSON.stringify([
    tools.dir, origin, await sourceHash(nativeDir), STATIC_ADDON_LDFLAGS, STATIC_ADDON_DEFINES, process.version, process.versions.modules, process.versions.napi, gxx,
  ])).digest('hex').slice(0, 16);
  const dir = join(await cacheDir('addons'), `libbpf-${tools.libbpfVersion}-${key}`);
  const path = join(dir, ADDON_FILE);
  if (existsSync(path)) return { path, manifest: JSON.parse(await readFile(join(dir, ADDON_MANIFEST), 'utf8')) as AddonManifest };

  progress(`building the libbpf addon against libbpf ${tools.libbpfVersion} (static)`);
  await publishDir(dir, async (tmp) => {
    const work = join(tmp, 'native');
    await cp(join(nativeDir, 'binding.gyp'), join(work, 'binding.gyp'));
    await cp(join(nativeDir, 'src'), join(work, 'src'), { recursive: true });
    const nodedir = existsSync('/usr/include/node/node_api.h') ? ['--nodedir=/usr'] : [];
    const archive = await overridableArchive(tools.libbpfArchive, join(work, 'libbpf-overridable.a'));
    const r = await execa(process.execPath, [nodeGyp(root), 'rebuild', ...nodedir,
      `--libbpf_include=${tools.includeDir}`,
      `--libbpf_libs=${archive} -lelf -lz`,
      `--libbpf_defines=${[...featureDefines(tools.apis), ...STATIC_ADDON_DEFINES].join(' ')}`,
      `--libbpf_ldflags=${STATIC_ADDON_LDFLAGS.join(' ')}`,
    ], { cwd: work, reject: false, all: true, env: { NODE_PATH: join(root, 'node_modules') } });
    await writeFile(join(tmp, 'build.log'), r.all ?? '');
    if (r.exitCode !== 0) {
      const lines = (r.all ?? '').split('\n');
      throw new ToolsBuildError(`building the libbpf addon against ${tools.libbpfArchive} failed`, lines.filter((l) => /error/i.test(l)).slice(0, 30),
        'needs g++, make, python3, node-gyp, libelf-dev and zlib1g-dev (bash scripts/setup.sh); or use --tools debian');
    }
    await copyFile(join(work, 'build', 'Release', ADDON_FILE), join(tmp, ADDON_FILE));
    const manifest: AddonManifest = {
      libbpfVersion: tools.libbpfVersion, origin, apis: tools.apis,
    };
    await writeFile(join(tmp, ADDON_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await rm(work, { recursive: true, force: true });
  });
  return { path, manifest: JSON.parse(await readFile(join(dir, ADDON_MANIFEST), 'utf8')) as AddonManifest };
}

/** A copy of libbpf.a whose OVERRIDDEN_FUNCTIONS the addon overrides (vm/tools-key.ts overrideObjcopyArgs). */
async function overridableArchive(libbpfArchive: string, out: string): Promise<string> {
  const readelf = async (flag: string) => (await execa('readelf', [flag, libbpfArchive], { maxBuffer: 256 << 20 })).stdout;
  let args: string[];
  try {
    args = overrideObjcopyArgs(await readelf('-sW'), await readelf('-SW'));
  } catch (err) {
    throw new ToolsBuildError(`cannot prepare ${libbpfArchive} for the addon: ${(err as Error).message}`, [], 'is it a libbpf.a from a kernel tree\'s tools/lib/bpf?');
  }
  const r = await execa('objcopy', [...args, libbpfArchive, out], { reject: false, all: true });
  if (r.exitCode !== 0) throw new ToolsBuildError(`objcopy of ${libbpfArchive} failed`, (r.all ?? '').split('\n'), 'objcopy comes with binutils (bash scripts/setup.sh)');
  return out;
}
