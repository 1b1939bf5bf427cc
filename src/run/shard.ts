// --shard i/N: a stable partition of the corpus for CI matrices. A file's shard depends on its own
// path alone (relative to the corpus root it was found under), never on the other files: adding
// or removing a file moves no other file, every file is in exactly one shard, and every machine
// of a matrix computes the same split from the same checkout.
import { createHash } from 'node:crypto';
import { UsageError } from '../shared/errors.js';
import type { Corpus } from './corpus.js';
import type { Shard } from './types.js';

export const MAX_SHARDS = 1024;

/** "2/4" -> { index: 2, count: 4 } (1-based, like a CI matrix's shard numbers). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard wants I/N with 1 <= I <= N <= ${MAX_SHARDS}, got '${text}'`,
      'e.g. --shard 1/4 ... --shard 4/4 across four CI jobs, then `bpf-verdict merge` their outputs');
  }
  return { index, count };
}

/** The shard (1-based) a corpus file belongs to, from its path relative to the corpus root. */
export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

export function shardCorpus(corpus: Corpus, shard: Shard): Corpus {
  const mine = (f: string) => shardOf(corpus.keys.get(f) ?? f, shard.count) === shard.index;
  return { sources: corpus.sources.filter(mine), objects: corpus.objects.filter(mine), keys: corpus.keys, named: corpus.named };
}
