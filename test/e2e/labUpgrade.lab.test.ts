// Journey: the whole upgrade from the app. The admin connects to the lab, ticks a process tree
// holding memory with a known checksum, preflights a plan (the installed 6.1.0-50 kernel, the
// pmem store), starts the upgrade, watches it live (the host goes away to boot the new kernel,
// the app re-attaches), and sees it end restored. Checked from outside: the new kernel runs,
// the tree has its PIDs, its memory is intact and its counter went on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labExec, labUp, LAB_KERNELS } from '../lab/lab.js';
import { startServe } from '../helpers/run';
import { milestone, openBrowser } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let keeper: number;
let child: number;
/** The workload the app lists the tree as: started over SSH, it lives in that login's session scope. */
let selector: string;

async function guest(cmd: string): Promise<string> {
  const r = await labExec(cmd, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`guest: ${cmd} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

interface MemloadReport {
  pid: number;
  counter: number;
  ok: boolean;
}
const status = async (pid: number) => JSON.parse(await guest(`lab-memload-status ${pid}`)) as MemloadReport;

beforeAll(async () => {
  await labDown(); // a clean boot of 6.1.0-47, whatever ran before
  await labUp({ log: (l) => console.log(`[lab] ${l}`) });
  keeper = Number(await guest('lab-memload-tree 64M'));
  child = Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`));
  const session = /session-([^/]+)\.scope/.exec(await guest(`cat /proc/${keeper}/cgroup`))?.[1];
  selector = session ? `session:${session}` : `pid:${keeper}`;
  server = await startServe();
  browser = await openBrowser();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await labDown();
}, 5 * 60_000);

describe('journey: upgrade the lab from the app', () => {
  it('plans, preflights, upgrades live across the kexec, and the workload survives', async () => {
    const before = await status(child);
    expect(before.ok).toBe(true);
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    await page.getByTestId('connect-lab').click();
    const row = page.getByTestId(`workload-${selector}`);
    await row.waitFor({ timeout: 120_000 });
    await row.getByRole('checkbox').check();
    expect(await page.getByTestId('plan-kernel').inputValue()).toBe(`/boot/vmlinuz-${LAB_KERNELS.target}`);
    expect(await page.getByTestId('plan-store').inputValue()).toBe('/dev/pmem0');
    await page.getByTestId('run-preflight').click();
    await page.getByTestId('preflight-result').waitFor({ timeout: 120_000 });
    await milestone(page, 'lab-upgrade-preflight');
    expect(await page.getByTestId('preflight-verdict').textContent()).toContain('can start');

    await page.getByTestId('upgrade-start').click();
    await page.getByTestId('upgrade-confirm').click();
    await page.getByTestId('upgrade-run').waitFor({ timeout: 180_000 });
    await page.getByTestId('upgrade-rebooting').waitFor({ timeout: 600_000 });
    await milestone(page, 'lab-upgrade-rebooting');
    await page.getByTestId('record-report-done').waitFor({ timeout: 900_000 });
    await milestone(page, 'lab-upgrade-done');
    expect(await page.getByTestId('upgrade-state').textContent()).toBe('done');
    // The app reads the host again: it now runs the new kernel.
    await expect.poll(() => page.getByTestId('facts-kernel-release').textContent(), { timeout: 60_000 }).toBe(LAB_KERNELS.target);

    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    expect(Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`))).toBe(child);
    const after = await status(child);
    expect(after.ok).toBe(true);
    expect(after.counter).toBeGreaterThan(before.counter);
  });
});
