// Per-kernel counts of a campaign, from its observations: what the kernel and the model said, how
// often they agree (verdict; verdict, rule, instruction and message), the model's unsupported share.
import type { Observation } from './observe.js';

export interface KernelStats {
  programs: number;
  compileErrors: number;
  /** libbpf failed before the verifier judged the program. */
  loaderErrors: number;
  crashes: number;
  timeouts: number;
  kernelAccepts: number;
  kernelRejects: number;
  modelUnsupported: number;
  modelErrors: number;
  /** Both sides judged (kernel accept/reject, model accept/reject). */
  comparable: number;
  verdictAgree: number;
  /** Verdict, rule, instruction and message all agree (`run`'s `agree`). */
  fullAgree: number;
  bothReject: number;
  /** Both reject, with the same message (and rule and instruction). */
  messageAgree: number;
  /** The model accepts what the kernel rejects. */
  wrongAccepts: number;
  /** The model rejects what the kernel accepts. */
  wrongRejects: number;
}

export function emptyStats(): KernelStats {
  return { programs: 0, compileErrors: 0, loaderErrors: 0, crashes: 0, timeouts: 0, kernelAccepts: 0, kernelRejects: 0, modelUnsupported: 0,
    modelErrors: 0, comparable: 0, verdictAgree: 0, fullAgree: 0, bothReject: 0, messageAgree: 0, wrongAccepts: 0, wrongRejects: 0 };
}

export function count(s: KernelStats, o: Observation): void {
  s.programs++;
  const k = o.kernel.verdict;
  const m = o.model?.verdict ?? null;
  if (k === 'compile-error') { s.compileErrors++; return; }
  if (k === 'loader-error') s.loaderErrors++;
  if (k === 'crash') s.crashes++;
  if (k === 'timeout') s.timeouts++;
  if (k === 'accept') s.kernelAccepts++;
  if (k === 'reject') s.kernelRejects++;
  if (m === 'unsupported') s.modelUnsupported++;
  if (m === 'model-error' || m === 'error') s.modelErrors++;
  if ((k !== 'accept' && k !== 'reject') || (m !== 'accept' && m !== 'reject')) return;
  s.comparable++;
  if (k === m) s.verdictAgree++;
  if (o.outcome === 'agree') s.fullAgree++;
  if (k === 'reject' && m === 'reject') {
    s.bothReject++;
    if (o.outcome === 'agree') s.messageAgree++;
  }
  if (k === 'reject' && m === 'accept') s.wrongAccepts++;
  if (k === 'accept' && m === 'reject') s.wrongRejects++;
}

/** Percent with two decimals, never rounded up to 100 while one program differs; null with nothing to divide by. */
export const pct = (n: number, d: number): number | null => (d ? Math.floor((10000 * n) / d) / 100 : null);

/** The shares a report shows: verdict and message agreement among comparable programs, unsupported among judged ones. */
export function shares(s: KernelStats): { verdictAgreement: number | null; fullAgreement: number | null; messageAgreement: number | null; unsupportedShare: number | null } {
  const judged = s.kernelAccepts + s.kernelRejects;
  return { verdictAgreement: pct(s.verdictAgree, s.comparable), fullAgreement: pct(s.fullAgree, s.comparable),
    messageAgreement: pct(s.messageAgree, s.bothReject), unsupportedShare: pct(s.modelUnsupported, judged) };
}
