// Journey: a rollout's reports fetched to the control node, in both layouts Ansible leaves
// (DIR/<host>.json, DIR/<host>/report.json), with a file that is not a report among them. The
// real CLI (`seamless fleet report DIR`) writes the fleet report and exits with the worst host's
// code; its HTML opens in Chromium without a request or an error; and the app (browser mode)
// opens the same folder and lists the hosts worst first.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetReportSchema } from '../../shared/report/fleet';
import { fleetHostReport } from '../helpers/fleetReports';
import { runSeamless, startServe } from '../helpers/run';
import { milestone, openBrowser, seriousA11yViolations } from './fixtures/browser';

let root: string;
let fleetDir: string;
let server: Awaited<ReturnType<typeof startServe>> | undefined;
let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;

const put = (dir: string, path: string, value: unknown) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'seamless-fleet-e2e-'));
  fleetDir = join(root, 'reports');
  put(fleetDir, 'web1.json', fleetHostReport('web1', 'restored'));
  put(fleetDir, 'db1/report.json', fleetHostReport('db1', 'rolled-back'));
  put(fleetDir, 'cache1/report.json', fleetHostReport('cache1.internal', 'failed'));
  put(fleetDir, 'web2/report.json', '<html>502 Bad Gateway</html>');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('seamless fleet report (the built CLI)', () => {
  it('writes fleet-report.md and .html into DIR, prints where and a summary, exits with the worst host’s code (6: failed)', async () => {
    const { code, stdout, stderr } = await runSeamless(['fleet', 'report', fleetDir]);
    expect(stdout).toBe(
      `Wrote the fleet report to ${fleetDir}/fleet-report.md and ${fleetDir}/fleet-report.html\n` +
        '3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read\n',
    );
    expect(stderr).toMatch(/^not a report: web2\/report\.json: not JSON \(/);
    expect(code).toBe(6);
    const md = readFileSync(join(fleetDir, 'fleet-report.md'), 'utf8');
    const rows = md.split('\n').filter((l) => / kept \| \*\*/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| cache1 (cache1.internal)', '| db1', '| web1']);
    expect(md).toContain('- web2/report.json: not JSON');
    expect(readFileSync(join(fleetDir, 'fleet-report.html'), 'utf8')).toContain('<td class="status bad">failed</td>');
  });

  it('--json: the fleet model (valid, versioned) and where it wrote; --out PREFIX writes PREFIX.md and PREFIX.html', async () => {
    const prefix = join(root, 'out', 'rollout-42');
    mkdirSync(join(root, 'out'));
    const { code, stdout } = await runSeamless(['fleet', 'report', fleetDir, '--out', prefix, '--json']);
    expect(code).toBe(6);
    const out = JSON.parse(stdout) as { md: string; html: string; summary: string; exitCode: number; report: unknown };
    expect(out).toMatchObject({ md: `${prefix}.md`, html: `${prefix}.html`, exitCode: 6 });
    const fleet = fleetReportSchema.parse(out.report);
    expect(fleet.schemaVersion).toBe(1);
    expect(fleet.hosts.map((h) => h.status)).toEqual(['failed', 'rolled-back', 'restored']);
    expect(existsSync(`${prefix}.md`) && existsSync(`${prefix}.html`)).toBe(true);
  });

  it('exit 0 when every host was restored; 5 when the worst is a fallback', async () => {
    const good = join(root, 'good');
    put(good, 'a.json', fleetHostReport('a', 'restored'));
    put(good, 'b/report.json', fleetHostReport('b', 'restored'));
    const ok = await runSeamless(['fleet', 'report', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('2 hosts: 2 restored\n');
    put(good, 'c.json', fleetHostReport('c', 'cold-started'));
    expect((await runSeamless(['fleet', 'report', good])).code).toBe(5);
  });

  it('an empty folder, one without a report, or an --out that cannot be written: a clear error, exit 1 (with --json, one error object)', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const none = await runSeamless(['fleet', 'report', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('FLEET_NO_REPORTS');
    expect(none.stderr).toContain('expected DIR/<host>.json or DIR/<host>/report.json');
    put(empty, 'x.json', { hello: 'world' });
    const bad = await runSeamless(['fleet', 'report', empty, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      error: { code: 'FLEET_NO_REPORTS', message: expect.stringContaining('No file in'), evidence: expect.stringMatching(/^x\.json: /) },
    });
    const missing = await runSeamless(['fleet', 'report', join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('FLEET_DIR_UNREADABLE');
    expect(existsSync(join(empty, 'fleet-report.md'))).toBe(false);
    const unwritable = await runSeamless(['fleet', 'report', fleetDir, '--out', join(root, 'no-such-dir', 'x')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/REPORT_WRITE_FAILED: Cannot write the fleet report to \S+no-such-dir\/x\.md \(ENOENT/);
  });

  it('--help prints the command’s usage (exit 0); a missing DIR is a usage mistake (exit 2)', async () => {
    const help = await runSeamless(['fleet', 'report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: seamless fleet report DIR \[--out PREFIX\] \[--json\]/);
    const usage = await runSeamless(['fleet', 'report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Say which folder holds the fetched reports');
  });
});

describe('the fleet report as an admin opens it', () => {
  it('HTML: renders in Chromium with no console error and no network request', async () => {
    browser = await openBrowser();
    const file = join(fleetDir, 'fleet-report.html');
    const { page } = browser;
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    page.on('request', onRequest);
    await page.goto(`file://${file}`);
    await expect(page.locator('.summary').textContent()).resolves.toBe('3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read');
    expect(await page.locator('td.status').allTextContents()).toEqual([
      'failed',
      'rolled-back',
      'restored',
      'failed',
      'rolled-back',
      'restored',
    ]);
    await milestone(page, 'fleet-report-html');
    page.off('request', onRequest);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
  });

  it('the app opens the folder and lists the hosts, worst first, with the file that is not a report', async () => {
    const config = join(root, 'config');
    mkdirSync(config);
    server = await startServe({ ...process.env, XDG_CONFIG_HOME: config });
    browser ??= await openBrowser();
    const { page } = browser;
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url);
    await page.getByTestId('fleet-dir').fill(fleetDir);
    await page.getByTestId('fleet-open').click();
    await page.getByTestId('fleet-hosts').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('fleet-summary').textContent()).toBe('3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read');
    const rows = page.getByTestId('fleet-hosts').locator('tbody tr');
    const ids = await Promise.all((await rows.all()).map((tr) => tr.getAttribute('data-testid')));
    expect(ids).toEqual(['fleet-host-cache1', 'fleet-host-db1', 'fleet-host-web1']);
    const cache1 = page.getByTestId('fleet-host-cache1');
    expect(await cache1.textContent()).toContain('cache1 (cache1.internal)');
    expect(await cache1.textContent()).toContain('0 of 1 kept');
    expect(await cache1.getByTestId('fleet-host-status').textContent()).toBe('failed');
    expect(await page.getByTestId('fleet-host-db1').textContent()).toContain('6.1.0-47-amd64 → 6.1.0-47-amd64');
    expect(await page.getByTestId('fleet-host-web1').textContent()).toContain('1 min 19 s');
    await cache1.getByRole('button', { name: 'More' }).click();
    await expect(page.getByText('first error:').textContent()).resolves.toContain('CRIU_RESTORE_FAILED');
    expect(await page.getByTestId('fleet-errors').textContent()).toMatch(/web2\/report\.json: not JSON/);
    // Exported from the app: the same Markdown the CLI writes (but for the time it was made).
    const download = page.waitForEvent('download');
    await page.getByTestId('fleet-export-md').click();
    const saved = join(root, 'from-app.md');
    await (await download).saveAs(saved);
    const strip = (s: string) => s.replace(/generated \S+/, 'generated T');
    expect(strip(readFileSync(saved, 'utf8'))).toBe(strip(readFileSync(join(fleetDir, 'fleet-report.md'), 'utf8')));
    await milestone(page, 'fleet');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // A folder with no report: the coded error, shown.
    await page.getByTestId('fleet-dir').fill(join(root, 'nope'));
    await page.getByTestId('fleet-open').click();
    await expect(page.getByTestId('error').textContent()).resolves.toContain('FLEET_DIR_UNREADABLE');
    expect(errors).toEqual([]);
  });
});
