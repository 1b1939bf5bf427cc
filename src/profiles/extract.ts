// Reading a kernel line's data from its C sources: the kfunc sets (BTF_KFUNCS_START ...
// BTF_ID_FLAGS(func, name, FLAGS) ... BTF_KFUNCS_END) with each kfunc's `__bpf_kfunc` prototype,
// and every message format the verifier can print (the first string argument of verbose(),
// bpf_log(), btf_verifier_log*()). Pure: C text in, data out; scripts/gen-profile-data.ts does the
// file reading and writes src/profiles/linux-<line>/tree.generated.ts.
import type { TreeKfunc } from './types.js';

/** The printing functions whose first string argument is a message format. */
const LOG_FNS = new Set([
  'verbose', 'bpf_log', 'btf_verifier_log', 'btf_verifier_log_type', 'btf_verifier_log_member',
  '__btf_verifier_log', '__btf_verifier_log_type', 'btf_verifier_log_basic', 'btf_verifier_log_vsi',
  'bpf_verifier_log_write', 'verbose_linfo', 'verifier_bug',
]);
/** verifier_bug(env, fmt, ...) prints "verifier bug: " fmt (include/linux/bpf_verifier.h, 6.17+). */
const PREFIX: Record<string, string> = { verifier_bug: 'verifier bug: ' };

type Tok = { kind: 'id' | 'str' | 'punct'; text: string };

/** C tokens without comments and preprocessor line breaks; string literals unescaped. */
export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') { while (i < n && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === '"') {
      let s = '';
      i++;
      while (i < n && src[i] !== '"') {
        if (src[i] === '\\') {
          const e = src[i + 1]!;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === '\n' ? '' : e;
          i += 2;
        } else s += src[i++];
      }
      i++;
      out.push({ kind: 'str', text: s });
      continue;
    }
    if (c === "'") { i++; while (i < n && src[i] !== "'") i += src[i] === '\\' ? 2 : 1; i++; out.push({ kind: 'punct', text: 'char' }); continue; }
    if (/[A-Za-z_]/.test(c)) { let j = i + 1; while (j < n && /\w/.test(src[j]!)) j++; out.push({ kind: 'id', text: src.slice(i, j) }); i = j; continue; }
    if (/\s|\\/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) { let j = i + 1; while (j < n && /[\w.]/.test(src[j]!)) j++; out.push({ kind: 'punct', text: src.slice(i, j) }); i = j; continue; }
    out.push({ kind: 'punct', text: c });
    i++;
  }
  return out;
}

/** Every message format printed through LOG_FNS, without the trailing "\n", in source order. */
export function messageFormats(src: string): string[] {
  const toks = tokenize(src);
  const out: string[] = [];
  for (let i = 0; i + 1 < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'id' || !LOG_FNS.has(t.text) || toks[i + 1]!.text !== '(') continue;
    // every string-literal group of the first argument that has one (both arms of a ternary)
    let depth = 0;
    const groups: string[] = [];
    for (let j = i + 1; j < toks.length; j++) {
      const u = toks[j]!;
      if (u.text === '(') depth++;
      else if (u.text === ')') { if (--depth === 0) break; }
      else if (u.text === ',' && depth === 1) { if (groups.length) break; }
      else if (u.kind === 'str') {
        let s = '';
        while (j < toks.length && toks[j]!.kind === 'str') s += toks[j++]!.text;
        j--;
        groups.push((PREFIX[t.text] ?? '') + s.replace(/\n$/, ''));
      }
    }
    out.push(...groups);
  }
  return out;
}

/** The text between a '(' at toks[open] and its matching ')', as tokens. */
function balanced(toks: Tok[], open: number): { inner: Tok[]; end: number } {
  let depth = 0;
  for (let j = open; j < toks.length; j++) {
    if (toks[j]!.text === '(') depth++;
    else if (toks[j]!.text === ')' && --depth === 0) return { inner: toks.slice(open + 1, j), end: j };
  }
  return { inner: toks.slice(open + 1), end: toks.length };
}

const join = (ts: Tok[]): string => ts.map((t) => t.text).join(' ').replace(/ \*/g, ' *').replace(/\* /g, '*').replace(/\s+/g, ' ').trim();

/** One C parameter: its type (normalised, pointer stars kept) and name. */
function param(ts: Tok[]): { type: string; name: string } {
  // function pointer: ret (*name)(args) or ret (name)(args)
  const open = ts.findIndex((t) => t.text === '(');
  if (open >= 0) {
    const name = ts.slice(open + 1).find((t) => t.kind === 'id')?.text ?? '';
    return { type: `${join(ts.slice(0, open))} (*)()`, name };
  }
  const last = ts[ts.length - 1];
  if (!last || last.kind !== 'id' || ts.length === 1) return { type: join(ts), name: '' };
  const stars = ts.slice(0, -1).filter((t) => t.text === '*').length;
  const base = ts.slice(0, -1).filter((t) => t.text !== '*' && t.text !== 'const');
  return { type: `${base.map((t) => t.text).join(' ')}${stars ? ' ' + '*'.repeat(stars) : ''}`, name: last.text };
}

/** `__bpf_kfunc RET NAME(PARAMS)` definitions: name -> prototype. */
export function kfuncPrototypes(src: string): Map<string, { ret: string; params: { type: string; name: string }[] }> {
  const toks = tokenize(src);
  const out = new Map<string, { ret: string; params: { type: string; name: string }[] }>();
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.text !== '__bpf_kfunc') continue;
    let j = i + 1;
    while (j < toks.length && toks[j]!.text !== '(') j++;
    const name = toks[j - 1]!.text;
    const retToks = toks.slice(i + 1, j - 1).filter((t) => t.text !== 'static' && t.text !== 'inline' && t.text !== 'const');
    const stars = retToks.filter((t) => t.text === '*').length;
    const ret = `${retToks.filter((t) => t.text !== '*').map((t) => t.text).join(' ')}${stars ? ' ' + '*'.repeat(stars) : ''}`;
    const { inner, end } = balanced(toks, j);
    const params: Tok[][] = [[]];
    let depth = 0;
    for (const t of inner) {
      if (t.text === '(') depth++;
      if (t.text === ')') depth--;
      if (t.text === ',' && depth === 0) params.push([]);
      else params[params.length - 1]!.push(t);
    }
    const ps = params.filter((p) => p.length && !(p.length === 1 && p[0]!.text === 'void')).map(param);
    out.set(name, { ret, params: ps });
    i = end;
  }
  return out;
}

/** BTF_KFUNCS_START(set) ... BTF_ID_FLAGS(func, name[, FLAGS]) ... entries, with prototypes. */
export function kfuncSets(src: string, protos: ReadonlyMap<string, { ret: string; params: { type: string; name: string }[] }>): TreeKfunc[] {
  const toks = tokenize(src);
  const out: TreeKfunc[] = [];
  let set: string | null = null;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'id') continue;
    if ((t.text === 'BTF_KFUNCS_START' || t.text === 'BTF_SET8_START') && toks[i + 1]?.text === '(') { set = toks[i + 2]!.text; continue; }
    if ((t.text === 'BTF_KFUNCS_END' || t.text === 'BTF_SET8_END') && toks[i + 1]?.text === '(') { set = null; continue; }
    if (t.text !== 'BTF_ID_FLAGS' || !set || toks[i + 1]?.text !== '(') continue;
    const { inner, end } = balanced(toks, i + 1);
    if (inner[0]?.text !== 'func') continue;
    const name = inner[2]!.text;
    const flags = inner.slice(3).filter((x) => x.kind === 'id').map((x) => x.text);
    const p = protos.get(name);
    out.push({ name, set, flags, ret: p?.ret ?? '?', params: p?.params ?? [] });
    i = end;
  }
  return out;
}
