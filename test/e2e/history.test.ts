// Journey: the reports the controller kept for a host are its history: listed with what was
// promised and measured, opened, and exported. The report kept here is the one built from a
// recorded real lab upgrade, placed where the controller keeps reports (its config directory).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../../shared/estimate/estimate';
import { buildReport } from '../../shared/report/buildReport';
import { reportInputs, RECORDED_ID } from '../helpers/recordedUpgrade';
import { startServe } from '../helpers/run';
import { samplePlan } from '../helpers/samplePlan';
import { sampleFacts } from '../helpers/sampleFacts';
import { sampleInventory } from '../helpers/sampleInventory';
import { milestone, openBrowser, seriousA11yViolations } from './fixtures/browser';

let config: string;
let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  config = mkdtempSync(join(tmpdir(), 'seamless-history-'));
  const inv = sampleInventory(256);
  inv.workloads[0] = { ...inv.workloads[0]!, id: 'pid:852', rootPid: 852 };
  const report = buildReport({
    ...reportInputs({ plan: samplePlan() }, estimate(samplePlan(), sampleFacts(), inv, null, [])),
    hostId: 'local',
  });
  const dir = join(config, 'seamless', 'hosts', 'local', 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${RECORDED_ID}.json`), JSON.stringify(report));
  server = await startServe({ ...process.env, XDG_CONFIG_HOME: config });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (config) rmSync(config, { recursive: true, force: true });
});

describe('journey: a host’s history of upgrades', () => {
  it('lists the kept report, opens it and exports it (Markdown and PDF)', async () => {
    const { page } = browser;
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await page.getByTestId('history-load').click();
    const row = page.getByTestId(`history-${RECORDED_ID}`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('6.1.0-47-amd64 → 6.1.0-50-amd64');
    expect(await row.textContent()).toContain('restored');
    await row.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('report-blackout').waitFor();
    expect(await page.getByTestId('report-blackout').textContent()).toMatch(/promised \d.* – .*measured 1 min 19 s/);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-md').click();
    const saved = join(config, 'report.md');
    await (await download).saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toContain(`# Kernel upgrade ${RECORDED_ID} on seamless-lab`);
    // The PDF is printed by the controller from the same HTML; it arrives as a download too.
    const pdfDownload = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('export-pdf').click();
    const pdf = join(config, 'report.pdf');
    await (await pdfDownload).saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('6.1.0-50-amd64');
    expect(text).toContain('restored: every workload runs on the new kernel');
    await milestone(page, 'history');
    expect(errors).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
