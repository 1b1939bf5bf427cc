// What the model concludes about a path: findings are data, never exceptions.
// `reject` carries the kernel message rendered from the rule's format as the profile's line
// prints it; `unsupported` names the construct the model does not model (never a guessed verdict).
import type { RuleBook, RuleRef, UnsupportedInfo } from '../rules/index.js';
import { UNSUPPORTED } from '../rules/index.js';

/**
 * `message` is the LAST line the kernel prints for the finding (what log classifiers key on);
 * `before` holds the lines the kernel prints just before it for the same error, in order
 * (e.g. "invalid access to map value, value_size=16 off=9 size=8" before
 * "R0 max value is outside of the allowed memory range"), so __msg sequences can match.
 */
export type Finding =
  | { kind: 'reject'; rule: string; insn: number; message: string; before?: string[] }
  | { kind: 'unsupported'; rule: string; insn: number; message: string; before?: string[] };

/** One printf conversion of a kernel format: groups (1) '#' flag, (2) zero-padded width ("02"), (3) conversion letter. */
export const FORMAT_CONVERSION = /%(#?)(0\d+)?(?:ll|l|hh|h|z)?([dusxcp%])/g;

/**
 * A register named in a message. Lines print registers differently (6.12 "R%d", 7.x "%s" from
 * reg_arg_name()); a tagged register renders as its number for %d and as "R<n>" for %s.
 */
export interface RegArg { readonly reg: number }
/** Register `n` in a message. */
export const regArg = (n: number): RegArg => ({ reg: n });
/**
 * kfunc argument `i` (0-based) in a message: 6.12 prints "arg#%d" (the index), 7.x prints
 * reg_arg_name(argno_from_arg(i + 1)) = "R<i+1>" for the same message.
 */
export const argReg = (i: number): RegArg & { arg: number } => ({ reg: i + 1, arg: i });

export type FormatArg = string | number | bigint | RegArg;

function scalarOf(a: FormatArg): string | number | bigint {
  if (typeof a !== 'object') return a;
  return 'arg' in a ? (a as { arg: number }).arg : a.reg;
}

/** Render a kernel printf-style format (%d %u %s %lld %llu %x %02x %#llx %%) with args. */
export function renderFormat(format: string, args: readonly FormatArg[]): string {
  let i = 0;
  return format.replace(FORMAT_CONVERSION, (_m, hash: string, width: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const raw = args[i++];
    if (raw === undefined) return '';
    if (typeof raw === 'object' && conv === 's') return `R${raw.reg}`;
    const a = scalarOf(raw);
    const pad = (s: string): string => (width ? s.padStart(Number(width), '0') : s);
    if (conv === 'x') {
      // a negative 32-bit field (an atomic imm, an opcode) prints as the kernel's unsigned hex
      const hex = typeof a === 'string' ? a : (BigInt(a) < 0n ? BigInt.asUintN(32, BigInt(a)) : BigInt(a)).toString(16);
      return (hash ? '0x' : '') + pad(hex);
    }
    if (conv === 'u' && typeof a !== 'string') return pad(BigInt.asUintN(64, BigInt(a)).toString());
    return pad(String(a));
  });
}

/** A rejection for `rule` at `insn`, message rendered from the format the book's line prints. */
export function reject(book: RuleBook, rule: RuleRef, insn: number, ...args: FormatArg[]): Finding {
  const spec = book.spec(rule);
  const used = spec.args ? spec.args.map((i) => args[i]!) : args;
  // a two-line kernel message ("global function calls are not allowed while holding a lock,\n
  // use static function instead"): the message is its last line, the first goes to `before`
  const lines = renderFormat(spec.format ?? spec.id, used).split('\n');
  const message = lines.pop()!;
  return lines.length ? { kind: 'reject', rule: spec.id, insn, message, before: lines } : { kind: 'reject', rule: spec.id, insn, message };
}

/** The model does not model `construct` (e.g. "helper bpf_ringbuf_reserve#131"); `why` is its class. */
export function unsupported(construct: string, insn: number, why: UnsupportedInfo = UNSUPPORTED.generic): Finding {
  return { kind: 'unsupported', rule: why.id, insn, message: `unsupported: ${construct}` };
}
