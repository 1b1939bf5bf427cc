// readObject + formatInsn vs verifier logs recorded from Debian's 6.12 kernel (RECORDED fixture:
// test/fixtures/readers/kernel-6.12, see its README): every instruction line the kernel printed must
// be at the same index with the same text, and subprograms must start where the kernel says.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatInsnText, formatLineInfo } from '../../src/bpf/format.js';
import { lineAt } from '../../src/object/lines.js';
import { readObject } from '../../src/object/read.js';
import { FIXTURE_SRC } from '../fixtures/readers/compile.js';

const dir = join(FIXTURE_SRC, 'kernel-6.12');
const records = readFileSync(join(dir, 'logs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { object: string; program: string; kernel: string; log: string });

/** `12: (85) call bpf_obj_new_impl#32879   ; R0_w=...` -> [12, '(85) call bpf_obj_new_impl#32879']; the kernel
 * may follow an instruction with its state (`; ...`) or, for branches and calls, the other path's state (`14: R0=...`). */
function insnLine(line: string): [number, string] | null {
  const m = /^(\d+): (\([0-9a-f]{2}\) .*?)(?:\s+;.*| \d+: (?:frame\d+: )?R\d.*)?$/.exec(line);
  return m ? [Number(m[1]), m[2]!.trimEnd()] : null;
}

t.test('recorded 6.12 logs: same instruction at every index, printed the same way', async (t) => {
  t.ok(records.length >= 30, `${records.length} recorded program logs`);
  let lines = 0, sourceLines = 0;
  const objects = new Map<string, ReturnType<typeof readObject>>();
  for (const rec of records) {
    let obj = objects.get(rec.object);
    if (!obj) { const path = join(dir, rec.object); obj = readObject(readFileSync(path), path); objects.set(rec.object, obj); }
    const p = obj.programs.find((x) => x.name === rec.program);
    t.ok(p, `${rec.object}: program ${rec.program}`);
    if (!p) continue;
    const resolver = { callName: (_: unknown, i: number) => { const r = p.relocs.get(i); return r?.kind === 'kfunc' ? r.name : null; } };
    const diffs: string[] = [];
    const logLines = rec.log.split('\n');
    logLines.forEach((line, k) => {
      // A source line printed right before instruction i must be our line info for i.
      const next = insnLine(logLines[k + 1] ?? '');
      if (line.startsWith('; ') && next && /^; .* @ .*:\d+$/.test(line)) {
        const l = lineAt(p, next[0]);
        if (!l) diffs.push(`${next[0]}: kernel "${line}", we have no line info`);
        else if (formatLineInfo(l) !== line) diffs.push(`${next[0]}: kernel "${line}" ours "${formatLineInfo(l)}"`);
        else sourceLines++;
      }
    });
    for (const line of logLines) {
      const f = /^func#(\d+) @(\d+)$/.exec(line);
      if (f && p.funcs[Number(f[1])]?.start !== Number(f[2])) diffs.push(`${line}: ours @${p.funcs[Number(f[1])]?.start}`);
      const l = insnLine(line);
      if (!l) continue;
      const [i, text] = l;
      const insn = p.insns[i];
      if (!insn) { diffs.push(`${i}: beyond the program (${p.insns.length} slots)`); continue; }
      let want = text, got = formatInsnText(insn, i, resolver);
      const r = p.relocs.get(i);
      // The kernel prints map addresses (root may see pointers) and kfuncs' vmlinux BTF ids; neither is in the object.
      if (r?.kind === 'map' || r?.kind === 'map_value') { want = want.replace(/= 0x[0-9a-f]+$/, '= <addr>'); got = got.replace(/= 0x0$/, '= <addr>'); }
      if (r?.kind === 'kfunc') { want = want.replace(/#\d+$/, '#<id>'); got = got.replace(/#-?\d+$/, '#<id>'); }
      if (want !== got) diffs.push(`${i}: kernel "${want}" ours "${got}"`);
      lines++;
    }
    t.same(diffs, [], `${rec.object} ${rec.program}`);
  }
  t.ok(lines > 300, `${lines} logged instruction lines compared`);
  t.ok(sourceLines > 80, `${sourceLines} source lines ("; text @ file:line") compared`);
});
