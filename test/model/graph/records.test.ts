// btf_record computation on objects compiled by clang-19 in the test run (fixtures/graph/*.c).
import t from 'tap';
import { fixtureObject } from './compile.js';
import { structMetas, type BtfRecord } from '../../../src/model/graph/records.js';
import { mapRecord } from '../../../src/model/graph/map-records.js';

const fields = (r: BtfRecord | null) => r?.fields.map((f) => `${f.type}@${f.offset}`).join(' ') ?? null;

t.test('struct metas and map records of a valid object', async (t) => {
  const obj = await fixtureObject('records');
  const btf = obj.btf!;
  const res = structMetas(btf);
  t.ok(res.ok, 'BTF loads');
  if (!res.ok) return;
  const id = (n: string) => btf.find(n, 'struct')!.id;
  // node: long key(0) list_node(8) rb_node(32) refcount(64)
  t.equal(fields(res.metas.get(id('node'))!), 'list_node@8 rb_node@32 refcount@64');
  t.equal(res.metas.get(id('node'))!.refcountOff, 64);
  // inner: lock(0) heads[2] at 8 and 24 (arrays of roots are repeated)
  const inner = res.metas.get(id('inner'))!;
  t.equal(fields(inner), 'spin_lock@0 list_head@8 list_head@24');
  t.equal(inner.fields[1]!.graphRoot?.nodeOffset, 8, 'plain_node.l at 8');
  t.equal(inner.fields[1]!.graphRoot?.valueName, 'plain_node');
  // value: x(0) lock(4) head(8) root(24) stash(40)
  const value = res.metas.get(id('value'))!;
  t.equal(fields(value), 'spin_lock@4 list_head@8 rb_root@24 kptr_ref@40');
  t.equal(value.spinLockOff, 4);
  t.equal(value.fields[3]!.kptr?.name, 'plain_node');
  // outer has no direct special member: no struct meta (btf_parse_struct_metas looks at direct members only)
  t.notOk(res.metas.has(id('outer')), 'outer has no struct meta');
  // holder: a local kptr member gives a meta
  t.equal(fields(res.metas.get(id('holder'))!), 'kptr_ref@0');

  const vmap = obj.maps.find((m) => m.name === 'vmap')!;
  const vr = mapRecord(btf, vmap, res.metas);
  t.ok(vr.ok);
  if (vr.ok) t.equal(fields(vr.record), 'spin_lock@4 list_head@8 rb_root@24 kptr_ref@40');
  // nested struct in a map value: found through the nested struct, offsets shifted
  const omap = obj.maps.find((m) => m.name === 'omap')!;
  const or = mapRecord(btf, omap, res.metas);
  t.ok(or.ok);
  if (or.ok) t.equal(fields(or.record), 'spin_lock@0 list_head@8 list_head@24');
  // a list head in a PERCPU_ARRAY value: map creation refuses it
  const pr = mapRecord(btf, obj.maps.find((m) => m.name === 'percpu_map')!, res.metas);
  t.notOk(pr.ok);
  if (!pr.ok) t.match(pr.error, { rule: 'map.create.graph_root_map_type', errno: 95 });
  // datasec variables with their own decl tags
  const data = obj.maps.find((m) => m.section === '.data.A')!;
  const dr = mapRecord(btf, data, res.metas);
  t.ok(dr.ok);
  if (dr.ok) t.equal(fields(dr.record), 'spin_lock@0 list_head@8');
});

const bad: [string, string, number][] = [
  ['bad_no_contains', 'btf.record.bad_contains', 22],
  ['bad_two_locks', 'btf.record.duplicate_unique', 7],
  ['bad_no_lock', 'btf.record.root_without_lock', 22],
  ['bad_both_nodes', 'btf.record.list_and_rb_node_without_refcount', 22],
];
for (const [name, rule, errno] of bad) {
  t.test(`BTF load failure: ${name}`, async (t) => {
    const obj = await fixtureObject(name);
    const res = structMetas(obj.btf!);
    t.notOk(res.ok);
    if (!res.ok) t.match(res.error, { rule, errno });
  });
}
