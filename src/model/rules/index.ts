// Every rule the model can report: core (this interpreter) + graph (ownership rules).
import { coreRules } from './core.js';
import { graphRules } from './graph.js';
import type { RuleSpec } from './types.js';

export type { RuleSpec } from './types.js';
export const allRules: RuleSpec[] = [...coreRules, ...graphRules];

const byId = new Map(allRules.map((r) => [r.id, r]));
/** The rule with this id, or undefined (unsupported findings use 'model.unsupported.*' ids that are not rules). */
export const ruleById = (id: string): RuleSpec | undefined => byId.get(id);
/** The rule with this id; a missing one is a programming error (typos are caught by the rule-table tests). */
export function ruleOf(id: string): RuleSpec {
  const r = byId.get(id);
  if (!r) throw new Error(`rule ${id} is not in src/model/rules (core.ts, graph.ts)`);
  return r;
}
