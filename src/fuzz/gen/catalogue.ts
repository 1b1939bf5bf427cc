// The declarations generated programs draw on: local object types, graph roots with their locks
// (in `private(X)` globals, in a map value, inside an allocated object), less() callbacks and
// subprograms. Fixed texts: programs rendered into one object share a declaration by key, and the
// kernel checks each root's `__contains` against the program BTF when the object's maps are made,
// so a broken declaration would fail every program of the object, never one.
import type { Decl } from '../types.js';

/** A local object type (bpf_obj_new): which graph nodes it has, whether it is refcounted. */
export interface StructSpec {
  name: string;
  /** bpf_list_node field, if any. */
  list?: string;
  /** bpf_rb_node field, if any. */
  rb?: string;
  /** Has a `struct bpf_refcount` field: bpf_refcount_acquire works, it may sit in two roots. */
  refcounted: boolean;
  /** The special field a direct load/store would hit (btf_struct_access refuses it). */
  special: string;
}

export const STRUCTS: Record<string, StructSpec> = {
  fz_item: { name: 'fz_item', list: 'node', refcounted: false, special: 'node.__opaque[0]' },
  fz_tnode: { name: 'fz_tnode', rb: 'rb', refcounted: false, special: 'rb.__opaque[1]' },
  // A node in a list and a tree at once needs bpf_refcount (btf_parse_fields refuses two graph
  // nodes without it): the second owner comes from bpf_refcount_acquire.
  fz_shared: { name: 'fz_shared', list: 'node', rb: 'rb', refcounted: true, special: 'rc.__opaque[0]' },
  // An allocated object holding its own lock and list: the lock is "in the same allocation" as
  // the root only through the same owning pointer (check_reg_allocation_locked compares reg->id).
  // It is a list node itself (fza_bags): one level of nesting, as the selftests' linked_list.h.
  fz_bag: { name: 'fz_bag', list: 'node', refcounted: false, special: 'head.__opaque[0]' },
};

const STRUCT_TEXT: Record<string, string> = {
  fz_item: 'struct fz_item {\n\t__u64 key;\n\t__u64 val;\n\tstruct bpf_list_node node;\n};',
  fz_tnode: 'struct fz_tnode {\n\t__u64 key;\n\tstruct bpf_rb_node rb;\n};',
  fz_shared: 'struct fz_shared {\n\t__u64 key;\n\tstruct bpf_refcount rc;\n\tstruct bpf_list_node node;\n\tstruct bpf_rb_node rb;\n};',
  fz_bag: 'struct fz_bag {\n\t__u64 key;\n\tstruct bpf_spin_lock lock;\n\tstruct bpf_list_head head __contains(fz_item, node);\n\tstruct bpf_list_node node;\n};',
};

/** Where a root lives decides the C expressions for it and its lock. */
export type RootHome = 'global' | 'map' | 'nested';

export interface RootSpec {
  /** Unique in the catalogue (a nested root: per owning variable, see state.ts). */
  id: string;
  kind: 'list' | 'tree';
  elem: string;
  /** The C expression of the root's address, and of its lock's. */
  expr: string;
  lock: string;
  home: RootHome;
  /** The declaration key that brings the root and its lock into the file. */
  decl: string;
}

/** `private(X)` globals: one .bss.X map per lock, holding the lock and the roots it protects. */
export const GLOBAL_ROOTS: RootSpec[] = [
  { id: 'fza_list', kind: 'list', elem: 'fz_item', expr: '&fza_list', lock: '&fza_lock', home: 'global', decl: 'group:fza' },
  { id: 'fza_tree', kind: 'tree', elem: 'fz_shared', expr: '&fza_tree', lock: '&fza_lock', home: 'global', decl: 'group:fza' },
  { id: 'fza_bags', kind: 'list', elem: 'fz_bag', expr: '&fza_bags', lock: '&fza_lock', home: 'global', decl: 'group:fza' },
  { id: 'fzb_list', kind: 'list', elem: 'fz_shared', expr: '&fzb_list', lock: '&fzb_lock', home: 'global', decl: 'group:fzb' },
  { id: 'fzb_tree', kind: 'tree', elem: 'fz_tnode', expr: '&fzb_tree', lock: '&fzb_lock', home: 'global', decl: 'group:fzb' },
];

/** The roots of the array map's value, reached through `mv` (the program's checked lookup). */
export const MAP_ROOTS: RootSpec[] = [
  { id: 'mv_list', kind: 'list', elem: 'fz_item', expr: '&mv->head', lock: '&mv->lock', home: 'map', decl: 'map:fz_map' },
  { id: 'mv_tree', kind: 'tree', elem: 'fz_tnode', expr: '&mv->root', lock: '&mv->lock', home: 'map', decl: 'map:fz_map' },
];

/** The list inside an owning fz_bag held in variable `v`. */
export function bagRoot(v: string): RootSpec {
  return { id: `bag:${v}`, kind: 'list', elem: 'fz_item', expr: `&${v}->head`, lock: `&${v}->lock`, home: 'nested', decl: 'struct:fz_bag' };
}

/** The map value also stashes an fz_item (`__kptr`): bpf_kptr_xchg moves ownership in and out. */
export const STASH = { field: 'mv->stash', type: 'fz_item' };

function less(t: string, field: string): string {
  return `static bool fz_less_${t}(struct bpf_rb_node *a, const struct bpf_rb_node *b)\n{\n` +
    `\treturn container_of(a, struct ${t}, ${field})->key < container_of(b, struct ${t}, ${field})->key;\n}`;
}

export function lessName(t: string): string { return `fz_less_${t}`; }

/** The `private(X)` group whose lock `lock` is ('fza', 'fzb'), if it is a global one. */
export function globalGroup(lock: string): string | undefined {
  const m = /^&(fz[ab])_lock$/.exec(lock);
  return m === null ? undefined : m[1];
}

/** A less() that calls back into the rbtree API: refused while verifying the callback frame. */
export function badLessName(tree: RootSpec): string { return `fz_less_bad_${tree.id}`; }

const DECLS: Decl[] = [
  ...Object.keys(STRUCT_TEXT).map((k) => ({ key: `struct:${k}`, text: STRUCT_TEXT[k]!, needs: k === 'fz_bag' ? ['struct:fz_item'] : [] })),
  // The element pointers in each section only make clang emit the element types into the program
  // BTF: `__contains` names them in a string, and the kernel looks the name up when it makes the map.
  {
    key: 'group:fza', needs: ['struct:fz_item', 'struct:fz_shared', 'struct:fz_bag'],
    text: 'private(FZA) struct bpf_spin_lock fza_lock;\nprivate(FZA) struct bpf_list_head fza_list __contains(fz_item, node);\n' +
      'private(FZA) struct bpf_rb_root fza_tree __contains(fz_shared, rb);\nprivate(FZA) struct bpf_list_head fza_bags __contains(fz_bag, node);\n' +
      'private(FZA) struct fz_item *fza_btf_item;\nprivate(FZA) struct fz_shared *fza_btf_shared;\nprivate(FZA) struct fz_bag *fza_btf_bag;',
  },
  {
    key: 'group:fzb', needs: ['struct:fz_shared', 'struct:fz_tnode'],
    text: 'private(FZB) struct bpf_spin_lock fzb_lock;\nprivate(FZB) struct bpf_list_head fzb_list __contains(fz_shared, node);\n' +
      'private(FZB) struct bpf_rb_root fzb_tree __contains(fz_tnode, rb);\nprivate(FZB) struct fz_shared *fzb_btf_shared;\nprivate(FZB) struct fz_tnode *fzb_btf_tnode;',
  },
  {
    key: 'map:fz_map', needs: ['struct:fz_item', 'struct:fz_tnode'],
    text: 'struct fz_mval {\n\tstruct bpf_spin_lock lock;\n\tstruct bpf_list_head head __contains(fz_item, node);\n' +
      '\tstruct bpf_rb_root root __contains(fz_tnode, rb);\n\tstruct fz_item __kptr *stash;\n\tstruct fz_tnode *btf_tnode;\n};\n\n' +
      'struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n\t__type(key, __u32);\n\t__type(value, struct fz_mval);\n\t__uint(max_entries, 1);\n} fz_map SEC(".maps");',
  },
  { key: 'less:fz_shared', needs: ['struct:fz_shared'], text: less('fz_shared', 'rb') },
  { key: 'less:fz_tnode', needs: ['struct:fz_tnode'], text: less('fz_tnode', 'rb') },
  ...GLOBAL_ROOTS.filter((r) => r.kind === 'tree').map((r) => ({
    key: `lessbad:${r.id}`, needs: [r.decl],
    text: `static bool ${badLessName(r)}(struct bpf_rb_node *a, const struct bpf_rb_node *b)\n{\n` +
      `\tstruct bpf_rb_node *n = bpf_rbtree_remove(${r.expr}, a);\n\n\tif (n)\n\t\tbpf_obj_drop(container_of(n, struct ${r.elem}, rb));\n` +
      `\treturn container_of(b, struct ${r.elem}, rb)->key & 1;\n}`,
  })),
  // A static subprogram runs in the caller's verifier state: it may read a non-owning reference
  // under the caller's lock (6.9+), and may consume the caller's owning reference.
  ...['fz_item', 'fz_tnode', 'fz_shared'].map((t) => ({
    key: `sub:key_${t}`, needs: [`struct:${t}`],
    text: `static __noinline __u64 fz_key_${t}(struct ${t} *p)\n{\n\treturn p->key + 1;\n}`,
  })),
  ...GLOBAL_ROOTS.filter((r) => r.kind === 'list').map((r) => ({
    key: `sub:push_${r.id}`, needs: [r.decl],
    text: `static __noinline int fz_push_${r.id}(struct ${r.elem} *n)\n{\n\tbpf_spin_lock(${r.lock});\n` +
      `\tbpf_list_push_back(${r.expr}, &n->node);\n\tbpf_spin_unlock(${r.lock});\n\treturn 0;\n}`,
  })),
  // The lock taken or released in a static subprogram: the lock state is the verifier state's,
  // not a frame's, and an unlock in the callee invalidates the caller's non-owning references.
  ...['fza', 'fzb'].flatMap((g) => (['lock', 'unlock'] as const).map((op) => ({
    key: `sub:${op}_${g}`, needs: [`group:${g}`],
    text: `static __noinline int fz_${op}_${g}(void)\n{\n\tbpf_spin_${op}(&${g}_lock);\n\treturn 0;\n}`,
  }))),
  // A global subprogram is verified once, on its own: it starts with no references and no lock,
  // and must end with none (check_reference_leak at its exit).
  {
    key: 'gsub:fill_fza', needs: ['group:fza'],
    text: '__noinline int fz_fill_fza(__u64 key)\n{\n\tstruct fz_item *n = bpf_obj_new(struct fz_item);\n\n\tif (!n)\n\t\treturn 0;\n' +
      '\tn->key = key;\n\tbpf_spin_lock(&fza_lock);\n\tbpf_list_push_back(&fza_list, &n->node);\n\tbpf_spin_unlock(&fza_lock);\n\treturn 1;\n}',
  },
];

export const CATALOGUE: Record<string, Decl> = Object.fromEntries(DECLS.map((d) => [d.key, d]));
