// Which rules a campaign reached: the kernel's (its rejections, classified into rule ids with its
// line's formats), the model's, and the rules the line prints that no generated program reached.
// Pure: observations in, counts out.
import type { Profile } from '../profiles/index.js';
import type { Observation } from './observe.js';

export interface Coverage {
  /** Rule id -> rejections (unclassified kernel rejections under '(unclassified)'). */
  kernel: Record<string, number>;
  /** Rule id (or unsupported reason id) -> model answers. */
  model: Record<string, number>;
  /** Graph rules (src/rules/graph.ts) the line prints that neither side reached. */
  unreachedGraph: string[];
  /** Every other rule the line prints that neither side reached (core rules: many are off the generator's path by design). */
  unreachedCore: string[];
}

export class CoverageCounter {
  readonly kernel = new Map<string, number>();
  readonly model = new Map<string, number>();

  add(o: Observation): void {
    if (o.kernel.verdict === 'reject' || o.kernel.verdict === 'loader-error') bump(this.kernel, o.kernel.rule ?? '(unclassified)');
    if (o.model && o.model.verdict !== 'accept' && o.model.rule) bump(this.model, o.model.rule);
  }

  result(profile: Profile, graphIds: ReadonlySet<string>): Coverage {
    const reached = new Set([...this.kernel.keys(), ...this.model.keys()]);
    const left = profile.rules.all().map((r) => r.id).filter((id) => !reached.has(id));
    return {
      kernel: sorted(this.kernel), model: sorted(this.model),
      unreachedGraph: left.filter((id) => graphIds.has(id)).sort(),
      unreachedCore: left.filter((id) => !graphIds.has(id)).sort(),
    };
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function sorted(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
