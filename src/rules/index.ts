// Every rule the model can report (core + graph) and every reason it answers `unsupported`, and
// the RuleBook: the rules as one kernel line prints them. Shared by the model (src/model) and the
// log classifier (src/classify); each profile (src/profiles) builds its book from its formats.
import { coreRules, type CoreRuleId } from './core.js';
import { graphRules, type GraphRuleId } from './graph.js';
import type { RuleInfo, RuleSpec } from './types.js';

export type { RuleInfo, RuleSpec, UnsupportedInfo } from './types.js';
export { CORE } from './core.js';
export { UNSUPPORTED, unsupportedReasons, unsupportedInsn, type UnsupportedId } from './unsupported.js';

export type RuleId = CoreRuleId | GraphRuleId;
/** A rule named by id or by its catalogue entry (CORE.regNotInit). */
export type RuleRef = RuleId | RuleInfo<RuleId>;

export const allRules: readonly RuleInfo<RuleId>[] = [...coreRules, ...graphRules];
const byId = new Map<string, RuleInfo<RuleId>>(allRules.map((r) => [r.id, r]));

/** The catalogue entry of a rule id, or undefined for an id that is no rule (unsupported ids). */
export const ruleInfo = (id: string): RuleInfo<RuleId> | undefined => byId.get(id);
export const isRuleId = (id: string): id is RuleId => byId.has(id);

/** The line does not print this message at all (a rule of another line). */
export const NOT_ON_LINE = 'not printed by this line' as const;
/**
 * What one line prints for a rule:
 * - its exact C format (the model's arguments fill its conversions in order);
 * - `{ format, args }`: the format uses the model's arguments `args` (indices), in that order
 *   (the line prints fewer, or in another order: 7.3 prints "R0" literally where 6.12 had R%d);
 * - `{ sameAs }`: the line prints the very message of another rule (two checks that 6.12 told
 *   apart print one text here), so a finding reports that rule;
 * - null for an errno-only rule, NOT_ON_LINE when the line has no such message.
 */
export type LineFormat = string | null | typeof NOT_ON_LINE | { format: string; args: readonly number[] } | { sameAs: RuleId };
/** Every rule's LineFormat. Complete by type: a new rule needs an entry in every line's formats. */
export type LineFormats = { readonly [K in RuleId]: LineFormat };

/** The rules as one line prints them. */
export class RuleBook {
  private readonly specs = new Map<string, RuleSpec<RuleId>>();
  private readonly aliases = new Map<string, RuleId>();
  constructor(readonly line: string, formats: LineFormats) {
    for (const r of allRules) {
      const f = formats[r.id];
      if (f === NOT_ON_LINE) continue;
      if (f !== null && typeof f === 'object' && 'sameAs' in f) this.aliases.set(r.id, f.sameAs);
      else if (f !== null && typeof f === 'object') this.specs.set(r.id, { ...r, format: f.format, args: f.args });
      else this.specs.set(r.id, { ...r, format: f });
    }
  }
  has(ref: RuleRef): boolean {
    const id = typeof ref === 'string' ? ref : ref.id;
    return this.specs.has(id) || this.aliases.has(id);
  }
  /**
   * The rule as this line prints it (for a rule the line prints as another's message, that
   * rule); reporting a rule the line does not print is a programming error.
   */
  spec(ref: RuleRef): RuleSpec<RuleId> {
    const asked = typeof ref === 'string' ? ref : ref.id;
    const id = this.aliases.get(asked) ?? asked;
    const s = this.specs.get(id);
    if (!s) throw new Error(`rule ${asked} is not printed by Linux ${this.line} (src/profiles/linux-${this.line}/formats.ts)`);
    return s;
  }
  /** Every rule this line prints (the classifier's table). */
  all(): RuleSpec<RuleId>[] { return [...this.specs.values()]; }
}
