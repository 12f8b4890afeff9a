// The Electron shell, launched through Playwright's Electron driver where Electron's binary is
// installed. Where it is not (it is downloaded from outside the npm registry, which this
// machine cannot reach), the test says so and counts as skipped, never as passed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';
import { installedElectronBinary } from '../../build/start';
import { projectRoot } from '../helpers/run';

const electronBinary = installedElectronBinary(projectRoot);
if (!electronBinary) {
  console.log('SKIPPED electron shell test: the Electron binary is not installed here (node_modules/electron/dist is missing).');
}

describe('Electron shell', () => {
  it.skipIf(!electronBinary)('opens a locked-down window that shows this machine', async () => {
    const app = await _electron.launch({ executablePath: electronBinary!, args: [join(projectRoot, 'dist/electron/main.cjs')] });
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
    } finally {
      await app.close();
    }
  });
});
