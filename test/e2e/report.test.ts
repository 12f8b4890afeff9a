// The report of a recorded real upgrade, as an admin opens it: the HTML in Chromium shows it with
// no console error and without a single network request; the PDF (printed by headless Chromium,
// as `seamless report --format pdf` does) has pages with the expected text (pdftotext).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../electron/report/renderPdf';
import { estimate } from '../../shared/estimate/estimate';
import { samplePlan } from '../helpers/samplePlan';
import { buildReport } from '../../shared/report/buildReport';
import { renderHtml } from '../../shared/report/renderHtml';
import { reportInputs } from '../helpers/recordedUpgrade';
import { sampleFacts } from '../helpers/sampleFacts';
import { sampleInventory } from '../helpers/sampleInventory';
import { milestone, openBrowser } from './fixtures/browser';

const plan = samplePlan();
const inv = sampleInventory(256);
inv.workloads[0] = { ...inv.workloads[0]!, id: 'pid:852', rootPid: 852 };
const report = buildReport(reportInputs({ plan }, estimate(plan, sampleFacts(), inv, null, [])));
let dir: string;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-report-'));
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the report as an admin opens it', () => {
  it('HTML: renders in Chromium with no console error and no network request', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));
    const { page } = browser;
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    await expect(page.locator('h1').textContent()).resolves.toContain('Kernel upgrade u-20261203t073615-f8e1 on seamless-lab');
    await expect(page.locator('.outcome').textContent()).resolves.toContain('restored');
    expect(await page.locator('svg').count()).toBe(2);
    expect(await page.locator('svg rect.est').count()).toBeGreaterThan(3);
    await milestone(page, 'report-html');
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
  });

  it('PDF: pages with the report’s text', async () => {
    const pdf = join(dir, 'report.pdf');
    writeFileSync(pdf, await renderPdf(renderHtml(report)));
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBeGreaterThanOrEqual(1);
    // Words as printed, whitespace (and the line breaks of wrapped headings) folded.
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toMatch(/Kernel upgrade u-20261203t073615-f8e1 on seamless-? ?lab/); // a wrapped heading may lose its hyphen
    expect(text).toContain('restored: every workload runs on the new kernel');
    expect(text).toMatch(/Image check/);
    expect(text).toContain('6.1.0-50-amd64');
  });
});
