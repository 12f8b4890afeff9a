// The Electron shell, launched through Playwright's Electron driver where Electron's binary is
// installed. Where it is not (it is downloaded from outside the npm registry, which this
// machine cannot reach), the test says so and counts as skipped, never as passed.
// The journey: this machine's facts in a locked-down window, the lab listed when the launcher
// hands it in, a kept report exported as PDF through Electron's own printToPDF.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';
import { installedElectronBinary } from '../../build/start';
import { projectRoot } from '../helpers/run';
import { buildReport } from '../../shared/report/buildReport';
import { estimate } from '../../shared/estimate/estimate';
import { reportInputs, RECORDED_ID } from '../helpers/recordedUpgrade';
import { samplePlan } from '../helpers/samplePlan';
import { sampleFacts } from '../helpers/sampleFacts';
import { sampleInventory } from '../helpers/sampleInventory';

const electronBinary = installedElectronBinary(projectRoot);
if (!electronBinary) {
  console.log('SKIPPED electron shell test: the Electron binary is not installed here (node_modules/electron/dist is missing).');
}

describe('Electron shell', () => {
  it.skipIf(!electronBinary)('a locked-down window: this machine’s facts, the lab if handed in, a report exported as PDF', async () => {
    const config = mkdtempSync(join(tmpdir(), 'seamless-electron-'));
    const reports = join(config, 'seamless', 'hosts', 'local', 'reports');
    mkdirSync(reports, { recursive: true });
    const report = buildReport({
      ...reportInputs({ plan: samplePlan() }, estimate(samplePlan(), sampleFacts(), sampleInventory(16), null, [])),
      hostId: 'local',
    });
    writeFileSync(join(reports, `${RECORDED_ID}.json`), JSON.stringify(report));
    const lab = join(process.env.SEAMLESS_LAB_DIR || '/var/cache/seamless-lab', 'host.json');
    const app = await _electron.launch({
      executablePath: electronBinary!,
      args: [join(projectRoot, 'dist/electron/main.cjs')],
      env: { ...process.env, XDG_CONFIG_HOME: config, ...(existsSync(lab) ? { SEAMLESS_HOST_PROVIDERS: lab } : {}) },
    });
    try {
      const page = await app.firstWindow();
      await page.getByTestId('facts-kernel-release').waitFor({ timeout: 20_000 });
      // No Node in the page: context isolation + sandbox leave only the preload's bridge.
      const exposed = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((globalThis as { seamless?: object }).seamless ?? {}).sort(),
      }));
      expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['methods', 'onEvent'] });
      if (existsSync(lab)) expect(await page.getByTestId('select-host-lab').count()).toBe(1);
      // Exports are saved without the native dialog here: the path is set before it would open.
      const saved = join(config, 'report.pdf');
      await app.evaluate(({ session }, path) => {
        session.defaultSession.on('will-download', (_e, item) => item.setSavePath(path));
      }, saved);
      await page.getByTestId('history-load').click();
      await page.getByTestId(`history-${RECORDED_ID}`).getByRole('button', { name: 'Open' }).click();
      await page.getByTestId('export-pdf').click();
      await expect.poll(() => existsSync(saved) && readFileSync(saved).subarray(0, 5).toString(), { timeout: 30_000 }).toBe('%PDF-');
    } finally {
      await app.close();
      rmSync(config, { recursive: true, force: true });
    }
  });
});
