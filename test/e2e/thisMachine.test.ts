// Journey: an admin starts the browser mode, opens the printed URL, and sees this machine's
// facts as the real agent read them.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from '../helpers/run';
import { startDetached, workloadScript, type Started } from '../helpers/workloads';
import { milestone, openBrowser, seriousA11yViolations } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let holder: Started<{ pid: number; child: number }>;
let dir: string;
let smallStore: string;
let notAKernel: string;

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/seamless-e2e-');
  smallStore = join(dir, 'store');
  mkdirSync(smallStore);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', smallStore]);
  notAKernel = join(dir, 'vmlinuz-fake');
  writeFileSync(notAKernel, 'not a kernel\n'.repeat(1000));
  holder = await startDetached<{ pid: number; child: number }>(workloadScript('holder.cjs'), ['32']);
  server = await startServe();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  holder?.kill();
  if (smallStore) execFileSync('umount', [smallStore]);
  if (dir) rmSync(dir, { recursive: true, force: true });
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
    // Ready for an upgrade? This machine is not (no CRIU, no persistent memory): said, with the fixes.
    expect(await page.getByTestId('ready-store').textContent()).toMatch(/no persistent memory.*Fix: Add memmap=\d+G!4G .*reboot once/);
    await milestone(page, 'this-machine-facts');
    // A CSP violation or a failed script would show up here.
    expect(consoleErrors).toEqual([]);
  });

  it('lists workloads, and a plan with a fake kernel and a too-small store is blocked with reasons', async () => {
    const { page } = browser;
    await page.goto(server.url);
    const row = page.getByTestId(`workload-pid:${holder.info.pid}`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('checkbox').check();
    // The workload opens to its processes: the holder and its child.
    await row.getByRole('button', { name: `Show the processes of pid:${holder.info.pid}` }).click();
    await page.getByTestId(`process-${holder.info.child}`).waitFor();
    await page.getByTestId('plan-kernel').fill(notAKernel);
    await page.getByTestId('plan-store').fill(smallStore);
    await page.getByTestId('run-preflight').click();
    await page.getByTestId('preflight-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('preflight-verdict').textContent()).toContain('cannot start');
    await page.getByTestId('finding-kernel.not-a-kernel').waitFor();
    await page.getByTestId('finding-store.too-small').waitFor();
    // The command line the new kernel boots with, against today's: at least this host's own words.
    expect(await page.getByTestId('plan-cmdline').textContent()).toContain(readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/)[0]);
    await milestone(page, 'this-machine-preflight');
    // The estimate of the plan, with its reasons and where each came from.
    await page.getByTestId('estimate').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('estimate-blackout').textContent()).toMatch(/\d.* – .*\d/);
    await page.getByTestId('estimate-image-check').locator('summary').click();
    expect(await page.getByTestId('estimate-image-check').textContent()).toMatch(
      /(image digest rate \(\w+\)|sha256 rate): .* MB\/s (default|measured)/,
    );
    await milestone(page, 'this-machine-estimate');

    // Save the checked plan (the CLI's file), change the draft, and open the file again.
    const saved = page.waitForEvent('download');
    await page.getByTestId('plan-save').click();
    const file = join(dir, 'saved-plan.json');
    await (await saved).saveAs(file);
    const plan = JSON.parse(readFileSync(file, 'utf8')) as { workloads: string[]; kernel: { image: string }; store: { path?: string } };
    expect(plan.workloads).toEqual([`pid:${holder.info.pid}`]);
    expect(plan.kernel.image).toBe(notAKernel);
    await page.getByTestId('plan-kernel').fill('/boot/other');
    await page.getByTestId('plan-open').setInputFiles(file);
    await expect.poll(() => page.getByTestId('plan-kernel').inputValue()).toBe(notAKernel);
    // Not a plan: said, and nothing changes.
    writeFileSync(join(dir, 'not-a-plan.json'), '{"hello":1}');
    await page.getByTestId('plan-open').setInputFiles(join(dir, 'not-a-plan.json'));
    await page.getByText('That file is not a Seamless plan').waitFor();
    expect(await page.getByTestId('plan-kernel').inputValue()).toBe(notAKernel);

    // A blocking finding accepted one by one, and an option changed: both go into the plan.
    await page.getByTestId('acknowledge-store.too-small').check();
    await page.getByTestId('plan-option-predump').uncheck();
    await page.getByTestId('plan-option-restore-mode').selectOption('lazy');
    await page.getByTestId('run-preflight').click();
    await page.getByTestId('plan-save').waitFor({ timeout: 60_000 });
    const again = page.waitForEvent('download');
    await page.getByTestId('plan-save').click();
    await (await again).saveAs(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      options: { preDump: false, restoreMode: 'lazy', acknowledge: ['store.too-small'] },
    });
    // A lazy restore: its pages come back after the blackout, in a phase of their own.
    expect(await page.getByTestId('estimate-lazy-fill').textContent()).toContain('memory not restored eagerly');
    await page.getByTestId('plan-option-restore-mode').selectOption('eager');
  });

  it('dry-runs the plan: this machine measured, nothing pre-dumped (preflight blocks), the estimate before and after', async () => {
    const { page } = browser;
    await page.getByTestId('run-dry-run').click();
    await page.getByTestId('dry-run-result').waitFor({ timeout: 120_000 });
    // The 8 MiB store is too small for even a bounded test file: said, not guessed.
    expect(await page.getByTestId('dry-run-store').textContent()).toMatch(
      /write not measured, read not measured — .*too little free space/,
    );
    expect(await page.getByTestId('dry-run-result').textContent()).toMatch(/Disk flush \d+ MB\/s; sha256 \d+ MB\/s/);
    expect(await page.getByTestId('dry-run-result').textContent()).toContain('Preflight blocks this plan');
    expect(await page.getByTestId('dry-run-result').textContent()).toContain('before the dry run');
    // the image digest's rate is measured now: no longer a default
    await page.getByTestId('dry-run-result').getByTestId('estimate-image-check').locator('summary').click();
    expect(await page.getByTestId('dry-run-result').getByTestId('estimate-image-check').textContent()).toMatch(
      /image digest rate \(\w+\): .* MB\/s measured/,
    );
    await milestone(page, 'this-machine-dry-run');
    // The whole page as it stands (facts, workloads, plan, findings, estimate, dry run): no serious a11y violation.
    expect(await seriousA11yViolations(page)).toEqual([]);
    // The same page in the OS's dark theme: readable too (contrast is part of the scan).
    await page.emulateMedia({ colorScheme: 'dark' });
    await milestone(page, 'this-machine-dark');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
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
