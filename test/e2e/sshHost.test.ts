// Journey: an admin adds a server by user@host:port, connects, compares the host key's SHA256
// fingerprint with the one the server has, trusts it, types the login and sudo passwords in
// the app's dialog, and sees the server's facts and workloads — over a real sshd, with the
// agent deployed and run as root.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/run';
import { ensureTestUsersAndKeys, startSshd, TEST_PASSWORD, TEST_USER, type TestSshd } from '../helpers/sshd';
import { milestone, openBrowser } from './fixtures/browser';

let sshd: TestSshd;
let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  ensureTestUsersAndKeys();
  sshd = await startSshd();
  // A private config dir: the app's host-key store starts empty, as on a first run.
  const home = mkdtempSync(join(tmpdir(), 'seamless-e2e-home-'));
  server = await startServe({ ...process.env, XDG_CONFIG_HOME: join(home, '.config'), HOME: home, SSH_AUTH_SOCK: '' });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sshd?.stop();
});

describe('journey: connect to a server over SSH', () => {
  it('asks for the host key with its SHA256 fingerprint, then the passwords, then shows the host', async () => {
    const { page } = browser;
    await page.goto(server.url);
    const spec = `${TEST_USER}@127.0.0.1:${sshd.port}`;
    await page.getByTestId('add-host-spec').fill(spec);
    await page.getByTestId('add-host-submit').click();
    await page.getByTestId(`connect-${spec}`).click();

    const prompt = page.getByTestId('prompt');
    await expect.poll(() => prompt.getAttribute('data-kind'), { timeout: 20_000 }).toBe('host-key');
    expect(await page.getByTestId('prompt-fingerprint').textContent()).toContain(sshd.fingerprint);
    await milestone(page, 'ssh-host-key-prompt');
    await page.getByTestId('prompt-trust').click();

    await expect.poll(() => prompt.getAttribute('data-kind'), { timeout: 20_000 }).toBe('password');
    await page.getByTestId('prompt-secret').fill(TEST_PASSWORD);
    await page.getByTestId('prompt-submit').click();

    await expect.poll(() => prompt.getAttribute('data-kind'), { timeout: 20_000 }).toBe('sudo-password');
    await page.getByTestId('prompt-secret').fill(TEST_PASSWORD);
    await page.getByTestId('prompt-submit').click();

    await page.getByTestId('facts-hostname').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('facts-hostname').textContent()).toBe(hostname());
    expect(await page.getByTestId(`session-state-${spec}`).textContent()).toBe('ready');
    await page.getByTestId('workloads').waitFor({ timeout: 30_000 });
    await milestone(page, 'ssh-host-connected');
    // The password went to sshd and sudo only: the page never shows it.
    expect(await page.content()).not.toContain(TEST_PASSWORD);
  });
});
