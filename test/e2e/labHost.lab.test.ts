// Journey: with the lab VM up (`npm run lab -- up`), the app lists the host `lab`, connects to
// it with the host key pinned at build time (no prompt), and shows its facts: the lab's own
// kernel, the upgrade kernel in /boot, /dev/pmem0 and a working CRIU. The CLI sees the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus, labUp, LAB_KERNELS } from '../lab/lab.js';
import { runSeamless, startServe } from '../helpers/run';
import { milestone, openBrowser } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await labUp({ log: (l) => console.log(`[lab] ${l}`) });
  server = await startServe();
  browser = await openBrowser();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await labDown();
}, 5 * 60_000);

describe('the lab as a host', () => {
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
});
