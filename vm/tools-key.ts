// Pure parts of building libbpf and bpftool from a kernel tree: the libbpf version a tree carries,
// the cache key of a build, the version bpftool reports, and which libbpf APIs newer than Debian
// 12's 1.1 a built libbpf.a has (the addon compiles those paths in only when they are there).
import { createHash } from 'node:crypto';

/**
 * The libbpf version of a tools/lib/bpf, as its own Makefile computes LIBBPF_VERSION: the highest
 * LIBBPF_x.y.z node of libbpf.map (7.3's tree: 1.8.0; 6.12's: 1.5.0). Null when there is none.
 */
export function libbpfVersionFromMap(map: string): string | null {
  const versions = [...map.matchAll(/^LIBBPF_(\d+)\.(\d+)\.(\d+)\b/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const);
  if (!versions.length) return null;
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return versions.at(-1)!.join('.');
}

/** `bpftool version`'s first two lines: "bpftool v7.8.0" and "using libbpf v1.8". */
export function parseBpftoolVersion(stdout: string): { bpftool: string; libbpf: string | null } | null {
  // 6.1's bpftool names itself by argv[0] ("/path/to/bpftool v7.1.0"); later ones print "bpftool"
  const tool = /^(?:\S*\/)?bpftool v(\d+\.\d+\.\d+)/m.exec(stdout);
  if (!tool) return null;
  const lib = /^using libbpf v(\d+\.\d+)/m.exec(stdout);
  return { bpftool: tool[1]!, libbpf: lib ? lib[1]! : null };
}

/** One file of the tree that decides the build, with its content hash (paths relative to the tree). */
export interface TreeFile { path: string; sha256: string }

/**
 * Directory name of a tools build: the libbpf version first (one cached build per version, easy to
 * read in the cache), then a hash of every input file, so two trees with the same libbpf version
 * but different sources (a bpf-next tree, a local edit) never share a build.
 */
export function toolsBuildKey(libbpfVersion: string, files: TreeFile[], recipe: string): string {
  const h = createHash('sha256').update(`bpf-verdict-tools\n${recipe}\n`);
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) h.update(`${f.path} ${f.sha256}\n`);
  return `libbpf-${libbpfVersion}-${h.digest('hex').slice(0, 12)}`;
}

/** libbpf APIs newer than 1.1 that the addon can use when the linked libbpf has them. */
export const OPTIONAL_LIBBPF_APIS = ['bpf_object__prepare', 'bpf_program__clone'] as const;
export type OptionalLibbpfApi = (typeof OPTIONAL_LIBBPF_APIS)[number];

/**
 * Which optional APIs `nm` output of the libbpf being linked defines ("T name": text, defined
 * here). Looked up in the library itself, not inferred from its version, so a backport or a
 * tree between releases is judged by what it has.
 */
export function definedApis(nmOutput: string): OptionalLibbpfApi[] {
  const defined = new Set<string>();
  for (const line of nmOutput.split('\n')) {
    const m = /^(?:[0-9a-f]+\s+)?[TW]\s+(\S+?)(?:@@?\S+)?$/.exec(line.trim());
    if (m) defined.add(m[1]!);
  }
  return OPTIONAL_LIBBPF_APIS.filter((api) => defined.has(api));
}

/** The compiler defines that switch those paths on in harness/native (BPF_VERDICT_HAVE_BPF_OBJECT__PREPARE, ...). */
export function featureDefines(apis: readonly OptionalLibbpfApi[]): string[] {
  return apis.map((api) => `BPF_VERDICT_HAVE_${api.toUpperCase()}=1`);
}

/**
 * libbpf's functions that an addon linked statically overrides: those that load, free and search
 * the kernel's BTF (harness/native/src/vmlinux_btf_share.cc: that BTF parsed once per process),
 * and those that send a program to the kernel and bind .rodata to it
 * (harness/native/src/prog_load_capture.cc: prepare once, verify each program, before libbpf 1.8).
 */
export const OVERRIDDEN_FUNCTIONS = [
  'btf__load_vmlinux_btf', 'btf__free', 'btf__find_by_name_kind',
  'bpf_prog_load', 'bpf_prog_bind_map',
] as const;
/** The name the original of each keeps in the rewritten archive. */
export const realName = (fn: string): string => `bpf_verdict_real_${fn}`;

/**
 * objcopy arguments that let an addon override OVERRIDDEN_FUNCTIONS in a libbpf.a. libbpf's
 * Makefile links all of libbpf into one relocatable object (libbpf-in.o), so its calls between
 * libbpf.c and btf.c are not undefined references that ld --wrap could redirect; they are
 * relocations against global symbols, which a strong definition elsewhere wins over once the
 * originals are weak. Each original keeps a second, global name (realName) at the same place.
 * From `readelf -sW` and `readelf -SW` of the archive; pure.
 */
export function overrideObjcopyArgs(readelfSymbols: string, readelfSections: string): string[] {
  const sections = new Map<string, string>();
  for (const m of readelfSections.matchAll(/^\s*\[\s*(\d+)\]\s+(\S+)/gm)) sections.set(m[1]!, m[2]!);
  const args: string[] = [];
  for (const fn of OVERRIDDEN_FUNCTIONS) {
    const defs = [...readelfSymbols.matchAll(new RegExp(`^\\s*\\d+:\\s+([0-9a-f]+)\\s+\\S+\\s+FUNC\\s+GLOBAL\\s+DEFAULT\\s+(\\d+)\\s+${fn}$`, 'gm'))];
    if (defs.length !== 1) throw new Error(`libbpf.a defines ${fn} ${defs.length} times (want once, in one object)`);
    const [, value, ndx] = defs[0]!;
    const section = sections.get(ndx!);
    if (!section) throw new Error(`libbpf.a's ${fn} is in section ${ndx}, which readelf -S does not list`);
    args.push('--add-symbol', `${realName(fn)}=${section}:0x${value},global,function`, '--weaken-symbol', fn);
  }
  return args;
}

/**
 * Linker flags of an addon linked statically against a tree's libbpf.a: libbpf's symbols stay
 * inside the addon.
 */
export const STATIC_ADDON_LDFLAGS = ['-Wl,--exclude-libs,ALL'];
/** The defines that compile the overrides in (only against an archive rewritten by overrideObjcopyArgs). */
export const STATIC_ADDON_DEFINES = ['BPF_VERDICT_SHARE_VMLINUX_BTF', 'BPF_VERDICT_CAPTURE_PROG_LOAD'];
