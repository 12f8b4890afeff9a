// Why: the PDF is the HTML report printed by headless Chromium (the desktop shell prints the
// same page with Electron's printToPDF). Chromium is found where Debian puts it, or at
// $SEAMLESS_CHROMIUM; without it the error says to install it or export HTML instead.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeamlessError } from '../../shared/errors';

/** Headless Chromium kept off the network (no background fetches, updates or sync). */
export const CHROMIUM_QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const p of [env.SEAMLESS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'])
    if (p && existsSync(p)) return p;
  return null;
}

export async function renderPdf(html: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new SeamlessError(
      'REPORT_PDF_UNAVAILABLE',
      'A PDF needs Chromium (apt-get install chromium, or set SEAMLESS_CHROMIUM); --format html gives the same report.',
    );
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new SeamlessError(
      'REPORT_PDF_UNAVAILABLE',
      'A PDF needs playwright-core, which this build does not have; --format html gives the same report.',
    );
  }
  // A fresh profile each time, and the flags that keep Chromium off the network.
  const profile = mkdtempSync(join(tmpdir(), 'seamless-pdf-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_QUIET_ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // The page fetches nothing (its CSP forbids it); anything it tried would be refused here too.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
