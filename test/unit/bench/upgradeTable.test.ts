// The side-by-side benchmark's table: medians per workload and method, ratios to Seamless, the
// state verdict in the workload's own terms, and the CRIU methods' own part of the blackout.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../bench/methods';
import { median, oursMs, table } from '../../bench/upgradeTable';

const run = (over: Partial<Run>): Run => ({
  workload: 'memload 256M',
  size: '256M',
  method: 'seamless',
  kernelBefore: 'a',
  kernelAfter: 'b',
  stoppedAtMs: 0,
  answeredAtMs: 20_000,
  warmAtMs: 21_000,
  blackoutMs: 20_000,
  kernelBootMs: 5_000,
  nonBootMs: 15_000,
  untilWarmMs: 21_000,
  before: { count: 10, digest: 'x', ok: true },
  after: { count: 300, digest: 'x', ok: true },
  stateKept: true,
  stateBytesOnDisk: 0,
  bootWrittenBytes: 1024 * 1024,
  upgradeId: 'u-1',
  phases: { agentBlackoutMs: 19_000, kexecToHookMs: 12_000 },
  boot: null,
  ok: true,
  ...over,
});

describe('the upgrade benchmark table', () => {
  it('takes medians and puts each method beside Seamless', () => {
    const runs = [
      run({}),
      run({ blackoutMs: 30_000, nonBootMs: 25_000 }),
      run({ blackoutMs: 10_000, nonBootMs: 5_000 }),
      run({
        method: 'cold',
        blackoutMs: 60_000,
        nonBootMs: 45_000,
        stateKept: false,
        after: { count: 3, digest: 'x', ok: true },
        phases: null,
      }),
    ];
    const t = table(runs).split('\n');
    const seamless = t.find((l) => /^memload 256M +seamless /.test(l))!;
    const cold = t.find((l) => /^memload 256M +cold /.test(l))!;
    expect(seamless).toContain('20.0 s'); // median of 10, 20, 30 s
    expect(seamless).toContain('7.0 s'); // ours: 19 − 12 s
    expect(cold).toContain('3.0× / 3.0×'); // 60 / 20 s and 45 / 15 s
    expect(cold).toContain('lost (counter 10 → 3)');
    expect(cold.includes(' - ')).toBe(true); // no agent figures for a cold run
  });

  it('counts redis state in keys, and a run without figures as unknown, not zero', () => {
    const t = table([
      run({ workload: 'redis' }),
      run({
        workload: 'redis',
        method: 'reboot',
        stateKept: false,
        before: { count: 50_000, digest: 'd', ok: true },
        after: { count: 0, digest: '', ok: false },
      }),
    ]);
    expect(t).toContain('0/50000 keys');
    expect(median([])).toBeNaN();
    expect(oursMs(run({ phases: null }))).toBeNaN();
  });
});
