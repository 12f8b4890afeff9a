// Every test in one run, in projects by kind: unit (fast, no services), integration (real
// agent, real processes, real sshd), e2e (real Chromium against the browser mode), lab (the
// QEMU VM: real CRIU and kexec). `npm test` builds first, then runs them all.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/lab/**/*.test.ts'],
          exclude: ['test/lab/**/*.lab.test.ts'],
        },
      },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/**/*.lab.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.lab.test.ts', 'test/e2e/**/*.lab.test.ts'],
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
