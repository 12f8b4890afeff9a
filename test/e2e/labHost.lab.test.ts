// Journey: the app lists the lab as a stopped host and starts it from its page, showing where
// the start stands (image, boot, ready); then connects to it with the host key pinned at build
// time (no prompt) and shows its facts: the lab's own kernel, the upgrade kernel in /boot,
// /dev/pmem0 and a working CRIU. The CLI sees the same. Last, the app stops it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus, LAB_KERNELS } from '../lab/lab.js';
import { runSeamless, startServe } from '../helpers/run';
import { milestone, openBrowser, seriousA11yViolations } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
const pageErrors: string[] = [];

beforeAll(async () => {
  // The app starts it: a lab left running by an earlier test would prove nothing.
  await labDown({ log: (l) => console.log(`[lab] ${l}`) });
  server = await startServe();
  browser = await openBrowser();
  browser.page.on('pageerror', (e) => pageErrors.push(e.message));
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await labDown();
}, 5 * 60_000);

describe('the lab as a host', () => {
  it('the app lists the lab stopped and starts it, showing image, boot and ready', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('stopped');
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('stopped');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await milestone(page, 'lab-stopped');
    await page.getByTestId('start-lab').click();
    // The boot stage is reached (the image was built or found), with the elapsed time and the lab's own words.
    await page.locator('[data-testid="control-progress-lab"] li.current[data-stage="boot"]').waitFor({ timeout: 20 * 60_000 });
    expect(await page.locator('[data-testid="control-progress-lab"] li.done').allTextContents()).toEqual(['Image']);
    expect(await page.getByTestId('control-progress-lab').locator('p').textContent()).toMatch(/^\d+ s — /);
    await milestone(page, 'lab-starting');
    await page.getByTestId('stop-lab').waitFor({ timeout: 10 * 60_000 });
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('running');
    expect((await labStatus()).running).toBe(true);
    await milestone(page, 'lab-started');
  });

  it('`seamless facts --host lab` reads the VM through SSH and the real agent', async () => {
    const r = await runSeamless(['facts', '--host', 'lab', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout) as {
      hostname: string;
      kernel: { release: string };
      bootKernels: { version: string }[];
      pmem: { devices: { name: string }[] };
      criu: { checkPassed: boolean | null };
    };
    expect(facts.hostname).toBe('seamless-lab');
    expect(facts.kernel.release).toBe((await labStatus()).kernel);
    expect(facts.bootKernels.map((k) => k.version)).toContain(LAB_KERNELS.target);
    expect(facts.pmem.devices.map((d) => d.name)).toContain('pmem0');
    expect(facts.criu.checkPassed).toBe(true);
  });

  it('the app shows the lab connected, with its facts', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    await page.getByTestId('connect-lab').click();
    await page.getByTestId('facts-kernel-release').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('facts-kernel-release').textContent()).toBe(LAB_KERNELS.boot);
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('ready');
    expect(await page.getByTestId('facts-pmem').textContent()).toContain('/dev/pmem0');
    await page.getByTestId('workloads').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('workload-unit:redis-server.service').count()).toBe(1);
    await milestone(page, 'lab-connected');
  });

  it('the app stops the lab: the session ends, QEMU is gone, the host is listed stopped', async () => {
    const { page } = browser;
    await page.getByTestId('stop-lab').click();
    await page.getByTestId('start-lab').waitFor({ timeout: 5 * 60_000 });
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('stopped');
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('stopped');
    expect((await labStatus()).running).toBe(false);
    await milestone(page, 'lab-stopped-again');
    expect(pageErrors).toEqual([]);
  });
});
