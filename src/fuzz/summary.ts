// The campaign's terminal summary (stdout without --json). Pure: the result in, text out.
import type { CampaignResult } from './campaign.js';

const pc = (v: number | null): string => (v === null ? '-' : `${v}%`);

export function formatCampaign(r: CampaignResult): string {
  const out: string[] = [];
  const secs = (r.durationMs / 1000).toFixed(1);
  out.push(`fuzz seed ${r.seed} on ${r.kernels.map((k) => k.spec).join(' and ')}${r.line ? ` (programs for Linux ${r.line})` : ''}: `
    + `${r.programs} programs in ${secs} s (${r.programsPerSecond} programs/s)${r.interrupted ? ', interrupted' : ''}`);
  for (const k of r.kernels) {
    out.push('');
    if (k.error) { out.push(`${k.spec}: could not be used: ${k.error.split('\n')[0]}`); continue; }
    const s = k.stats;
    out.push(`${k.spec}${k.release ? ` (${k.release})` : ''}, model profile ${k.profile ?? '-'}, ${k.boots} boot${k.boots === 1 ? '' : 's'}:`);
    out.push(`  kernel: accepted ${s.kernelAccepts}, rejected ${s.kernelRejects}; compile errors ${s.compileErrors}, loader errors ${s.loaderErrors}, crashes ${s.crashes}, timeouts ${s.timeouts}`);
    out.push(`  model:  unsupported ${s.modelUnsupported} (${pc(k.shares.unsupportedShare)} of judged programs), model errors ${s.modelErrors}`);
    out.push(`  agreement over ${s.comparable} programs both judged: verdict ${pc(k.shares.verdictAgreement)} (${s.verdictAgree}), `
      + `verdict+rule+insn+message ${pc(k.shares.fullAgreement)} (${s.fullAgree}); messages ${pc(k.shares.messageAgreement)} (${s.messageAgree} of ${s.bothReject} both rejected)`);
    out.push(`  time: clang ${(k.ms.compile / 1000).toFixed(1)} s, guest loads ${(k.ms.load / 1000).toFixed(1)} s, model ${(k.ms.model / 1000).toFixed(1)} s (shrinking included)`);
    out.push(`  wrong accepts (model accepts, kernel rejects) ${s.wrongAccepts}, wrong rejects ${s.wrongRejects}`);
    if (k.coverage) {
      const c = k.coverage;
      out.push(`  rules reached: kernel ${Object.keys(c.kernel).length} (${Object.entries(c.kernel).map(([id, n]) => `${id} ${n}`).join(', ') || 'none'})`);
      out.push(`                 model ${Object.keys(c.model).length} (${Object.entries(c.model).map(([id, n]) => `${id} ${n}`).join(', ') || 'none'})`);
      out.push(`  graph rules no program reached (${c.unreachedGraph.length}): ${c.unreachedGraph.join(', ') || 'none'}`);
    }
  }
  out.push('');
  if (!r.findings.length) out.push(`no findings (directory ${r.out})`);
  else {
    out.push(`findings (${r.findings.length}, in ${r.out}):`);
    for (const f of r.findings) {
      out.push(`  ${f.kind} on ${f.kernel_spec}: kernel ${f.kernel.verdict} ${f.kernel.rule ?? ''}, model ${f.model?.verdict ?? '-'} ${f.model?.rule ?? ''}`.replace(/ +,/g, ',').trimEnd()
        + ` (x${f.occurrences}; ${f.size_before} -> ${f.size} statements)${f.file ? ` ${f.file}` : ''}`);
    }
  }
  if (r.transitions) {
    const t = r.transitions;
    out.push(`transitions ${r.kernels[0]!.spec} -> ${r.kernels.slice(1).map((k) => k.spec).join(', ')}: ${t.total}`
      + (t.total ? ` (${Object.entries(t.byChange).map(([c, n]) => `${c} ${n}`).join(', ')}); the model predicts ${t.predicted}, mispredicts ${t.mispredicted}, cannot say ${t.unknown} (transitions.jsonl)` : ''));
  }
  return out.join('\n') + '\n';
}
