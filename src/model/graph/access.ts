// Loads and stores that touch graph objects:
//  - through a local-object pointer: check_ptr_to_btf_access + btf_struct_access (btf.c):
//    special fields are off limits ("direct access to %s is disallowed"), everything else is a
//    scalar (a pointer member read from a local object is a scalar, never a pointer again);
//  - into a map value with special fields: check_map_access ("%s cannot be accessed directly by
//    load/store") and check_map_kptr_access (kptr loads give RCU / untrusted pointers).
import { regArg, unsupported, type Finding } from '../finding.js';
import { DONE, PASS, found, type HookCtx, type HookResult, type MemAccess } from '../hooks.js';
import { regTypeStr } from '../print.js';
import { F, T, curFrame, regPtr, regUnknown, typeIsPtrAllocObj, type RegState } from '../state.js';
import { tnumAdd, tnumConst, tnumIsConst, tnumStr } from '../tnum.js';
import type { Btf, BtfType } from '../../btf/types.js';
import { loadContext, metaOf } from './context.js';
import { fieldTypeName, type BtfField } from './records.js';
import { fail, inRcuCs } from './util.js';
import { kptrMatch } from './helpers.js';
import { UNSUPPORTED, type RuleId } from '../../rules/index.js';

/** check_ptr_to_btf_access() for program-BTF objects. */
export function btfAccess(ctx: HookCtx, a: MemAccess): HookResult {
  const reg = a.reg;
  if (reg.btf?.btf !== 'prog' || !ctx.btf) return found(unsupported(`${a.write ? 'store to' : 'load from'} a kernel object (${regTypeStr(reg.type)})`, ctx.insnIdx, UNSUPPORTED.btfAccess));
  const btf = ctx.btf;
  const t = btf.get(reg.btf.id);
  const tname = t.name;
  let off = a.off + reg.off;
  if (ctx.profile.switches.offInVarOff) {
    // 7.x check_ptr_to_btf_access: the variable offset first (var_off holds the fixed part, off
    // is the instruction's), then the sign of off + var_off
    const full = tnumAdd(reg.varOff, tnumConst(BigInt(reg.off)));
    if (!tnumIsConst(full)) return found(fail(ctx, 'graph.access.ptr_var_off', regArg(a.regno), tname, a.off, tnumStr(full, true)));
    off = a.off + Number(BigInt.asIntN(64, full.value));
    if (off < 0) return found(fail(ctx, 'graph.access.ptr_negative', regArg(a.regno), tname, off));
  } else {
    if (off < 0) return found(fail(ctx, 'graph.access.ptr_negative', regArg(a.regno), tname, off));
    if (!tnumIsConst(reg.varOff) || reg.varOff.value !== 0n) return found(fail(ctx, 'graph.access.ptr_var_off', regArg(a.regno), tname, off, tnumStr(reg.varOff)));
  }
  if (reg.type & F.MEM_PERCPU) return found(fail(ctx, 'graph.access.percpu', regArg(a.regno), tname, off));
  if (a.write && (reg.type & F.PTR_UNTRUSTED)) return found(fail(ctx, 'graph.access.read_only'));
  if (a.write && !typeIsPtrAllocObj(reg.type)) return found(fail(ctx, 'graph.access.read_only'));
  const isAlloc = (reg.type & F.MEM_ALLOC) !== 0;
  if (isAlloc) {
    const rec = metaOf(loadContext(ctx.obj, ctx.profile), reg.btf.id);
    const hit = rec?.fields.find((f) => off < f.offset + f.size && f.offset < off + a.size);
    if (hit) return found(fail(ctx, 'graph.access.special_field', fieldTypeName(hit.type)));
  } else {
    // Untrusted program-BTF pointers (a local kptr loaded outside an RCU section): reads walk the
    // struct and yield untrusted pointers for pointer members; not modelled beyond scalars.
  }
  const walk = structWalk(btf, reg.btf.id, off, a.size);
  if (walk.kind === 'error') return found(fail(ctx, walk.rule, ...walk.args));
  if (walk.kind === 'ptr' && !isAlloc) return found(unsupported(`pointer load through ${regTypeStr(reg.type)}`, ctx.insnIdx, UNSUPPORTED.btfAccess));
  // 7.x loads a pointer to a non-struct as rdonly_untrusted_mem of size 0 (btf_struct_walk's
  // WALK_PTR_UNTRUSTED), a type the model does not follow; 6.12 loads it as a scalar
  if (walk.kind === 'ptr_other' && !a.write && ctx.profile.switches.ptrMemberUntrustedMem) {
    return found(unsupported('load of a pointer-to-non-struct member of a local object (rdonly_untrusted_mem)', ctx.insnIdx, UNSUPPORTED.btfAccess));
  }
  if (walk.kind === 'ptr_other' && !isAlloc) return found(unsupported(`pointer load through ${regTypeStr(reg.type)}`, ctx.insnIdx, UNSUPPORTED.btfAccess));
  if (!a.write && a.valueRegno !== null && !a.atomic) curFrame(ctx.state).regs[a.valueRegno] = regUnknown();
  return DONE;
}

/** 'ptr' = a pointer member to a struct (WALK_PTR); 'ptr_other' = to anything else (6.12: a scalar; 7.x: WALK_PTR_UNTRUSTED). */
type Walk = { kind: 'scalar' } | { kind: 'ptr' } | { kind: 'ptr_other' } | { kind: 'error'; rule: RuleId; args: (string | number)[] };

const isStruct = (t: BtfType): t is Extract<BtfType, { kind: 'struct' | 'union' }> => t.kind === 'struct' || t.kind === 'union';

/** btf_struct_walk(), reduced to what a scalar/pointer load or store of a local object needs. */
function structWalk(btf: Btf, id: number, off: number, size: number): Walk {
  for (let depth = 0; depth < 32; depth++) {
    const t = btf.resolve(id);
    if (!isStruct(t)) return { kind: 'error', rule: 'graph.access.not_struct', args: [t.name] };
    if (off + size > t.size) return { kind: 'error', rule: 'graph.access.beyond_struct', args: [t.name, off, size] };
    let next: { id: number; off: number } | null = null;
    for (const m of t.members) {
      const moff = m.bitOffset / 8;
      if (off + size <= moff) continue;
      if (m.bitfieldSize) {
        if (off <= Math.floor(moff) && off + size >= Math.ceil((m.bitOffset + m.bitfieldSize) / 8)) return { kind: 'scalar' };
        continue;
      }
      if (off < moff) break;
      let mt = btf.resolve(m.type);
      const msize = btf.sizeOf(m.type);
      if (msize === null) return { kind: 'error', rule: 'graph.access.no_field', args: [t.name, off] };
      const mend = moff + msize;
      if (off >= mend) continue;
      let eoff = moff, esize = msize;
      if (mt.kind === 'array') {
        let n = 1;
        while (mt.kind === 'array') { n *= mt.nelems; mt = btf.resolve(mt.type); }
        if (n === 0) continue;
        esize = msize / n;
        eoff = moff + Math.floor((off - moff) / esize) * esize;
      }
      if (isStruct(mt)) {
        next = { id: mt.id, off: off - eoff };
        if (off + size > eoff + esize) return { kind: 'error', rule: 'graph.access.beyond_member', args: [m.name, mend, t.name, off, size] };
        break;
      }
      if (mt.kind === 'ptr') {
        if (esize !== size || off !== eoff) return { kind: 'error', rule: 'graph.access.ptr_member', args: [m.name, eoff, t.name, off, size] };
        return mt.type !== 0 && isStruct(btf.resolve(mt.type)) ? { kind: 'ptr' } : { kind: 'ptr_other' };
      }
      if (off + size > mend) return { kind: 'error', rule: 'graph.access.beyond_member', args: [m.name, mend, t.name, off, size] };
      return { kind: 'scalar' };
    }
    if (!next) return { kind: 'error', rule: 'graph.access.no_field', args: [t.name, off] };
    id = next.id; off = next.off;
  }
  return { kind: 'error', rule: 'graph.access.no_field', args: ['?', off] };
}

/** check_map_access() special-field overlap + check_map_kptr_access(), after the core's bounds check. */
export function mapValueAccess(ctx: HookCtx, a: MemAccess): HookResult {
  const reg = a.reg;
  if (!reg.map) return PASS;
  const rec = loadContext(ctx.obj, ctx.profile).map(reg.map).record;
  if (!rec) return PASS;
  const off = a.off + reg.off;
  const lo = reg.smin + BigInt(off), hi = reg.umax + BigInt(off) + BigInt(a.size);
  for (const f of rec.fields) {
    const p = BigInt(f.offset);
    if (!(lo < p + BigInt(f.size) && p < hi)) continue;
    if (f.type === 'kptr_ref' || f.type === 'kptr_unref' || f.type === 'kptr_percpu') {
      if (!tnumIsConst(reg.varOff)) return found(fail(ctx, 'graph.kptr.access_var_off'));
      const at = off + Number(BigInt.asIntN(64, reg.varOff.value));
      if (f.offset !== at) return found(fail(ctx, 'graph.kptr.misaligned', f.offset, at));
      if (a.size !== 8) return found(fail(ctx, 'graph.kptr.size'));
      return kptrAccess(ctx, a, f);
    }
    return found(fail(ctx, 'graph.access.map_special_field', fieldTypeName(f.type)));
  }
  return PASS;
}

/** check_map_access(.., ACCESS_HELPER): a helper may touch no special field of a map value. */
export function mapValueHelperAccess(ctx: HookCtx, reg: RegState, size: number): Finding | null {
  if (!reg.map) return null;
  const rec = loadContext(ctx.obj, ctx.profile).map(reg.map).record;
  if (!rec) return null;
  const lo = reg.smin + BigInt(reg.off), hi = reg.umax + BigInt(reg.off) + BigInt(size);
  for (const f of rec.fields) {
    const p = BigInt(f.offset);
    if (!(lo < p + BigInt(f.size) && p < hi)) continue;
    if (f.type === 'kptr_ref' || f.type === 'kptr_unref' || f.type === 'kptr_percpu') return fail(ctx, 'graph.kptr.indirect');
    return fail(ctx, 'graph.access.map_special_field', fieldTypeName(f.type));
  }
  return null;
}

/** check_map_kptr_access(): loads give a maybe-NULL RCU (or untrusted) pointer; stores are restricted. */
function kptrAccess(ctx: HookCtx, a: MemAccess, f: BtfField): HookResult {
  if (a.atomic) return found(fail(ctx, 'graph.kptr.bad_mode'));
  if (f.kptr?.kernel) return found(unsupported(`access to a kernel-object kptr (struct ${f.kptr.name})`, ctx.insnIdx, UNSUPPORTED.kptr));
  const referenced = f.type === 'kptr_ref' || f.type === 'kptr_percpu';
  if (a.write && referenced) return found(fail(ctx, 'graph.kptr.store_referenced'));
  if (!a.write) {
    if (a.valueRegno === null) return DONE;
    const s = ctx.state;
    const inRcu = inRcuCs(ctx);
    const lc = loadContext(ctx.obj, ctx.profile);
    let flags = F.PTR_MAYBE_NULL;
    // rcu_safe_kptr: percpu kptrs, and referenced kptrs to program types (always "RCU protected").
    if (referenced && inRcu) {
      flags |= F.MEM_RCU | (f.type === 'kptr_percpu' ? F.MEM_PERCPU : F.MEM_ALLOC);
      const pointee = f.kptr ? metaOf(lc, f.kptr.typeId) : null;
      if (pointee && (pointee.has('list_node') || pointee.has('rb_node'))) flags |= F.NON_OWN_REF;
    } else flags |= F.PTR_UNTRUSTED;
    const r = regPtr(T.PTR_TO_BTF_ID | flags, { btf: { btf: 'prog', id: f.kptr?.typeId ?? 0 } });
    r.id = ctx.ids.next();
    curFrame(s).regs[a.valueRegno] = r;
    return DONE;
  }
  // A store to an unreferenced kptr: NULL, or a pointer of exactly the kptr's type.
  if (a.valueRegno === null) return DONE; // BPF_ST: the core passes no immediate; only 0 is valid
  const v: RegState = curFrame(ctx.state).regs[a.valueRegno]!;
  if (v.type === T.SCALAR_VALUE && tnumIsConst(v.varOff) && v.varOff.value === 0n) return DONE;
  const bad: Finding | null = kptrMatch(ctx, f, v, a.valueRegno);
  return bad ? found(bad) : DONE;
}
