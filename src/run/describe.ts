// Readable texts for reports: any thrown value, and file paths.
import { relative } from 'node:path';

// Typed errors describe themselves (message + hint + evidence).
export function errText(err: unknown): string {
  if (err && typeof err === 'object' && 'describe' in err && typeof (err as { describe: unknown }).describe === 'function') {
    return (err as { describe(): string }).describe();
  }
  return err instanceof Error ? err.message : String(err);
}

/** A path as the user would type it: relative to the working directory when under it. */
export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
