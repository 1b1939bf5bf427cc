// One readable text for any thrown value: typed errors describe themselves (message + hint + evidence).
export function errText(err: unknown): string {
  if (err && typeof err === 'object' && 'describe' in err && typeof (err as { describe: unknown }).describe === 'function') {
    return (err as { describe(): string }).describe();
  }
  return err instanceof Error ? err.message : String(err);
}
