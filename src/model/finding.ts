// What the model concludes about a path: findings are data, never exceptions.
// `reject` carries the kernel 6.12 message rendered from the rule's format; `unsupported`
// names the construct the model does not model (never a guessed verdict).
import type { RuleSpec } from './rules/types.js';

/**
 * `message` is the LAST line the kernel prints for the finding (what log classifiers key on);
 * `before` holds the lines the kernel prints just before it for the same error, in order
 * (e.g. "invalid access to map value, value_size=16 off=9 size=8" before
 * "R0 max value is outside of the allowed memory range"), so __msg sequences can match.
 */
export type Finding =
  | { kind: 'reject'; rule: string; insn: number; message: string; before?: string[] }
  | { kind: 'unsupported'; rule: string; insn: number; message: string; before?: string[] };

/** One printf conversion of a kernel format: groups (1) '#' flag, (2) conversion letter. */
export const FORMAT_CONVERSION = /%(#?)(0?\d*)(?:ll|l|hh|h|z)?([dusxcp%])/g;

/** Render a kernel printf-style format (%d %u %s %lld %llu %x %02x %#llx %%) with args. */
export function renderFormat(format: string, args: readonly (string | number | bigint)[]): string {
  let i = 0;
  return format.replace(FORMAT_CONVERSION, (_m, hash: string, width: string, conv: string) => {
    if (conv === '%') return '%';
    const a = args[i++];
    if (a === undefined) return '';
    if (conv === 'x') {
      const v = typeof a === 'string' ? a : BigInt(a);
      const hex = typeof v === 'string' ? v : (v < 0n ? BigInt.asUintN(32, v) : v).toString(16);
      return (hash ? '0x' : '') + (width.startsWith('0') ? hex.padStart(Number(width), '0') : hex);
    }
    if (conv === 'u' && typeof a !== 'string') return BigInt.asUintN(64, BigInt(a)).toString();
    return String(a);
  });
}

/** A rejection for `rule` at `insn`, message rendered from the rule's kernel format. */
export function reject(rule: RuleSpec, insn: number, ...args: (string | number | bigint)[]): Finding {
  // a two-line kernel message ("global function calls are not allowed while holding a lock,\n
  // use static function instead"): the message is its last line, the first goes to `before`
  const lines = renderFormat(rule.format ?? rule.id, args).split('\n');
  const message = lines.pop()!;
  return lines.length ? { kind: 'reject', rule: rule.id, insn, message, before: lines } : { kind: 'reject', rule: rule.id, insn, message };
}

/** The model does not model `construct` (e.g. "helper bpf_ringbuf_reserve#131"). */
export function unsupported(construct: string, insn: number, rule = 'model.unsupported'): Finding {
  return { kind: 'unsupported', rule, insn, message: `unsupported: ${construct}` };
}
