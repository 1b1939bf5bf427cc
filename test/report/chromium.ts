// Headless Chromium (Debian's `chromium`) for the HTML report tests: a screenshot and the DOM
// after the page's script ran. Flags keep it offline and stateless.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

function flags(profile: string): string[] {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`];
}

export async function screenshot(htmlFile: string, pngFile: string, width: number, height: number): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'bv-chromium-'));
  try {
    await execa(CHROMIUM, [...flags(profile), `--window-size=${width},${height}`, `--screenshot=${pngFile}`, pathToFileURL(htmlFile).href], { timeout: 90_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  readFileSync(pngFile); // throws when Chromium wrote nothing
}

export async function dumpDom(htmlFile: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'bv-chromium-'));
  try {
    const r = await execa(CHROMIUM, [...flags(profile), '--dump-dom', pathToFileURL(htmlFile).href], { timeout: 90_000 });
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
