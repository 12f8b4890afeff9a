// Journey: an admin starts the browser mode, opens the printed URL, and sees this machine's
// facts as the real agent read them.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/run';
import { milestone, openBrowser } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  server = await startServe();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('journey: see this machine', () => {
  it('shows the kernel release exactly as `uname -r` prints it', async () => {
    const { page } = browser;
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(server.url);
    const card = page.getByTestId('host-local');
    await card.getByRole('heading', { name: 'This machine' }).waitFor();
    const release = page.getByTestId('facts-kernel-release');
    await release.waitFor({ timeout: 20_000 });
    expect(await release.textContent()).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(await page.getByTestId('facts-hostname').textContent()).toBe(execFileSync('hostname', { encoding: 'utf8' }).trim());
    await milestone(page, 'this-machine-facts');
    // A CSP violation or a failed script would show up here.
    expect(consoleErrors).toEqual([]);
  });

  it('shows nothing of the app without the token', async () => {
    const { page } = browser;
    // Without the cookie the first load set, the bare origin must be refused.
    await page.context().clearCookies();
    const res = await page.goto(`${server.origin}/`);
    expect(res?.status()).toBe(401);
    expect(await page.locator('#root').count()).toBe(0);
  });
});
