// The campaign's findings on disk, written as they are found (an interrupted campaign keeps every
// one): DIR/<name>.c, a corpus program (finding-c.ts), and one line per finding in
// DIR/findings.jsonl. De-duplicated by (kind, kernel rule, model rule) per kernel: the first
// program that shows a disagreement is shrunk and written, later ones only counted.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingC, type FindingText } from './finding-c.js';
import { signatureKey, type Answer, type FindingKind, type Signature } from './observe.js';

export interface FindingJson {
  kind: FindingKind;
  kernel_spec: string;
  release: string | null;
  profile: string;
  seed: number;
  program: string;
  fault: string | null;
  shapes: string[];
  kernel: Answer;
  model: Answer | null;
  /** The C file, relative to the findings directory; null when it could not be rendered. */
  file: string | null;
  size_before: number;
  size: number;
  shrink_rounds: number;
  /** Programs of the campaign that showed this disagreement (the first one was shrunk). */
  occurrences: number;
}

export class FindingsStore {
  private readonly byKey = new Map<string, FindingJson>();
  readonly list: FindingJson[] = [];
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private key(kernelSpec: string, s: Signature): string {
    return `${kernelSpec}|${signatureKey(s)}`;
  }

  /** Seen before on this kernel: counted, true (nothing to shrink or write). */
  seen(kernelSpec: string, s: Signature): boolean {
    const f = this.byKey.get(this.key(kernelSpec, s));
    if (f) f.occurrences++;
    return !!f;
  }

  /** Write a new finding: its C file (when `text` is given) and its JSON line. */
  add(s: Signature, f: Omit<FindingJson, 'file' | 'occurrences'>, text: FindingText | null): FindingJson {
    let file: string | null = null;
    if (text) {
      file = `${fileStem(f.kernel_spec, s, this.list.length + 1)}.c`;
      writeFileSync(join(this.dir, file), findingC(text) + '\n');
    }
    const j: FindingJson = { ...f, file, occurrences: 1 };
    this.byKey.set(this.key(f.kernel_spec, s), j);
    this.list.push(j);
    appendFileSync(join(this.dir, 'findings.jsonl'), JSON.stringify(j) + '\n');
    return j;
  }

  /** Rewrite findings.jsonl with the final occurrence counts (tmp + rename: never half a file). */
  flush(): void {
    const tmp = join(this.dir, `findings.jsonl.${process.pid}.tmp`);
    writeFileSync(tmp, this.list.map((j) => JSON.stringify(j) + '\n').join(''));
    renameSync(tmp, join(this.dir, 'findings.jsonl'));
  }
}

/** e.g. 003-debian-6.12-wrong-accept-graph.root.lock_not_held.c, safe as a file name. */
export function fileStem(kernelSpec: string, s: Signature, n: number): string {
  const rule = s.kernelRule ?? s.modelRule ?? 'none';
  return `${String(n).padStart(3, '0')}-${kernelSpec}-${s.kind}-${rule}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}
