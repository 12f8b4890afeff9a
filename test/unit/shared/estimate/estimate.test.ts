// The estimate on hand-computed cases, and the properties an admin relies on: more bytes or more
// objects never shorten it, more bandwidth never lengthens it, every range holds its midpoint,
// and a default where a measurement could be always widens the range and is named.
import { preDumpPays } from '../../../../shared/plan/preDumpPolicy';
import { describe, expect, it } from 'vitest';
import { estimate, type Estimate } from '../../../../shared/estimate/estimate';
import { DEFAULTS } from '../../../../shared/estimate/defaults';
import type { Calibration, WorkloadTrial } from '../../../../shared/estimate/calibration';
import type { HistoryEntry } from '../../../../shared/estimate/history';
import { planSchema, type Plan } from '../../../../shared/plan/plan';
import { sampleFacts } from '../../../helpers/sampleFacts';
import { sampleInventory } from '../../../helpers/sampleInventory';

const MiB = 1024 * 1024;
const plan = (options: Partial<Plan['options']> = {}, workloads = ['pid:600']): Plan =>
  planSchema.parse({
    version: 1,
    host: 'lab',
    createdAt: '2026-12-03T00:00:00Z',
    workloads,
    kernel: { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64', initrd: null, cmdline: null },
    store: { kind: 'pmem', device: '/dev/pmem0' },
    options,
  });
const calibration = (over: Partial<Calibration> = {}): Calibration => ({
  version: 1,
  hostname: 'seamless-lab',
  kernel: '6.1.0-47-amd64',
  measuredAt: '2026-12-03T00:00:00Z',
  measuredAtMs: 0,
  store: { kind: 'pmem', where: '/dev/pmem0', testBytes: 64 * MiB, writeBytesPerS: 500e6, readBytesPerS: 1000e6, reason: null },
  flush: { where: '/var/lib/seamless', testBytes: 16 * MiB, bytesPerS: 100e6, reason: null },
  hashBytesPerS: 50e6,
  boot: { kernelS: 8, initrdS: 4, userspaceS: 30, source: 'systemd' },
  ...over,
});
const facts = sampleFacts({
  systemd: {
    version: 252,
    bootTimes: { current: { kernelUsec: 8e6, initrdUsec: 4e6, userspaceUsec: 30e6, finishedAtUsec: null }, previous: null, reason: null },
  },
});
const ph = (e: Estimate, name: string) => e.phases.find((p) => p.phase === name)!;

describe('estimate', () => {
  it('computes the image check and the boot from measurements, by hand', () => {
    const e = estimate(plan({ preDump: false }), facts, sampleInventory(256), calibration(), []);
    // 256 MiB of anonymous memory hashed at a measured 50 MB/s (no digest measured: sha256's
    // rate) beside CRIU reading it at 1000 MB/s × 0.25: only the hashing that outlasts the
    // reading counts; plus one workload's fixed cost (120 ms at the reference CPU) × 8 (the
    // reference hashes 400 MB/s).
    expect(ph(e, 'image-check').midMs).toBe(Math.round((256 * MiB * 1000) / 50e6 - (256 * MiB * 1000) / 250e6 + 120 * 8));
    // A digest that keeps up with CRIU's reading costs only the fixed part.
    const fast = estimate(
      plan({ preDump: false }),
      facts,
      sampleInventory(256),
      calibration({ digest: { algorithm: 'md5', bytesPerS: 400e6 } }),
      [],
    );
    expect(ph(fast, 'image-check').midMs).toBe(120 * 8);
    // kernel + initrd from the calibration's boot times; measured → ±15/20 %.
    expect(ph(e, 'kernel-boot')).toMatchObject({ midMs: 12_000, lowMs: 10_200, highMs: 14_400 });
    expect(e.bytes).toBe(256 * MiB);
    expect(e.workloads).toEqual([{ selector: 'pid:600', bytes: 256 * MiB, processes: 2, rssBytes: 258 * MiB, bytesSource: 'inventory' }]);
    // The blackout is the sum of its phases; hand-back and rewarm are outside it.
    const inBlackout = e.phases.filter((p) => p.inBlackout);
    expect(inBlackout.map((p) => p.phase)).toEqual([
      'freeze-dump',
      'kexec-jump',
      'kernel-boot',
      'userspace-to-hook',
      'image-check',
      'restore',
    ]);
    expect(e.blackout.midMs).toBe(inBlackout.reduce((s, p) => s + p.midMs, 0));
  });

  it('learns the boot from the host’s last upgrade (history beats systemd’s figures)', () => {
    const last: HistoryEntry = {
      upgradeId: 'u-1',
      endedAt: '2026-12-01T00:00:00Z',
      outcome: 'restored',
      kernelAfter: '6.1.0-50-amd64',
      bytes: 1,
      processes: 1,
      kexecJumpMs: 900,
      kernelBootMs: 7000,
      userspaceToHookMs: 9000,
      imageCheckMs: null,
      restoreMs: null,
      blackoutMs: null,
    };
    const e = estimate(plan(), facts, sampleInventory(64), calibration(), [last]);
    expect(ph(e, 'kernel-boot').midMs).toBe(7000);
    expect(ph(e, 'userspace-to-hook').midMs).toBe(9000);
    expect(ph(e, 'kernel-boot').inputs[0]!.source).toBe('history');
  });

  it('holds every run of the history in the range (a boot varies), around their mean', () => {
    const run = (id: string, kexecJumpMs: number): HistoryEntry => ({
      upgradeId: id,
      endedAt: '2026-12-01T00:00:00Z',
      outcome: 'restored',
      kernelAfter: null,
      bytes: 1,
      processes: 1,
      kexecJumpMs,
      kernelBootMs: null,
      userspaceToHookMs: null,
      imageCheckMs: null,
      restoreMs: null,
      blackoutMs: null,
    });
    const jump = ph(estimate(plan(), facts, sampleInventory(64), calibration(), [run('u-1', 3000), run('u-2', 9000)]), 'kexec-jump');
    expect(jump.inputs[0]).toMatchObject({ source: 'history', value: 6000 });
    expect(jump.lowMs).toBeLessThanOrEqual(3000);
    expect(jump.highMs).toBeGreaterThanOrEqual(9000);
  });

  it('uses what the dry run measured instead of the footprint', () => {
    const trial: WorkloadTrial = {
      selector: 'pid:600',
      processes: 2,
      mappings: 40,
      fds: 8,
      preDumpBytes: 300 * MiB,
      preDumpMs: 2100,
      dirtyBytesPerS: 4 * MiB,
      trialDump: null,
    };
    const e = estimate(plan(), facts, sampleInventory(256), calibration(), [], [trial]);
    expect(e.workloads[0]).toMatchObject({ bytes: 300 * MiB, bytesSource: 'dry-run' });
    expect(ph(e, 'pre-dump').midMs).toBe(2100);
    expect(ph(e, 'pre-dump').inputs.map((i) => i.source)).toEqual(['dry-run']);
  });

  it('is monotone in bytes and in processes, and inverse in bandwidth', () => {
    const small = estimate(plan(), facts, sampleInventory(64), calibration(), []);
    const big = estimate(plan(), facts, sampleInventory(1024), calibration(), []);
    for (const k of ['freeze-dump', 'image-check', 'restore'] as const) expect(ph(big, k).midMs).toBeGreaterThan(ph(small, k).midMs);
    expect(big.blackout.midMs).toBeGreaterThan(small.blackout.midMs);

    const inv = sampleInventory(256);
    const more = structuredClone(inv);
    more.workloads[0]!.pids.push(602, 603, 604);
    expect(estimate(plan(), facts, more, calibration(), []).blackout.midMs).toBeGreaterThan(
      estimate(plan(), facts, inv, calibration(), []).blackout.midMs,
    );
    const mapped = structuredClone(inv);
    mapped.processes[1]!.mappings = 5000;
    mapped.processes[1]!.openFds = 2000;
    expect(ph(estimate(plan(), facts, mapped, calibration(), []), 'restore').midMs).toBeGreaterThan(
      ph(estimate(plan(), facts, inv, calibration(), []), 'restore').midMs,
    );

    const slow = estimate(plan(), facts, inv, calibration({ hashBytesPerS: 25e6 }), []);
    const fast = estimate(plan(), facts, inv, calibration({ hashBytesPerS: 100e6 }), []);
    expect(ph(slow, 'image-check').midMs).toBeGreaterThan(ph(fast, 'image-check').midMs);
    const slowStore = calibration();
    slowStore.store.readBytesPerS = 100e6;
    expect(ph(estimate(plan(), facts, inv, slowStore, []), 'restore').midMs).toBeGreaterThan(
      ph(estimate(plan(), facts, inv, calibration(), []), 'restore').midMs,
    );
  });

  it('holds every midpoint inside its range; defaults widen the range and are named', () => {
    const measured = estimate(plan(), facts, sampleInventory(256), calibration(), []);
    const guessed = estimate(plan(), facts, sampleInventory(256), null, []);
    for (const e of [measured, guessed]) {
      for (const p of [...e.phases, { phase: 'blackout', ...e.blackout }, { phase: 'ssh', ...e.untilSsh }]) {
        expect(p.lowMs, p.phase).toBeLessThanOrEqual(p.midMs);
        expect(p.highMs, p.phase).toBeGreaterThanOrEqual(p.midMs);
      }
    }
    const width = (e: Estimate, name: string) =>
      ph(e, name).highMs / Math.max(1, ph(e, name).midMs) - ph(e, name).lowMs / Math.max(1, ph(e, name).midMs);
    // pre-dump: the store's write bandwidth measured or not (its other inputs are defaults either way).
    expect(width(guessed, 'pre-dump')).toBeGreaterThan(width(measured, 'pre-dump'));
    expect(guessed.defaults).toContain('sha256 rate');
    expect(guessed.defaults).toContain('store read bandwidth');
    expect(measured.defaults).not.toContain('sha256 rate');
  });

  it('pre-dumps only a workload large enough for the rounds to pay (the agent decides the same way)', () => {
    const small = estimate(plan({ preDump: true }), facts, sampleInventory(16), calibration(), []);
    const large = estimate(plan({ preDump: true }), facts, sampleInventory(256), calibration(), []);
    expect(preDumpPays(16 * MiB)).toBe(false);
    expect(preDumpPays(256 * MiB)).toBe(true);
    expect(ph(small, 'pre-dump').midMs).toBe(0);
    expect(ph(large, 'pre-dump').midMs).toBeGreaterThan(0);
    // the small one's whole memory is dumped under the freeze, as with pre-dump off
    const off = estimate(plan({ preDump: false }), facts, sampleInventory(16), calibration(), []);
    expect(ph(small, 'freeze-dump').midMs).toBe(ph(off, 'freeze-dump').midMs);
  });

  it('restoreMode lazy: a restore that does not grow with memory, the pages after the blackout (lazy-fill)', () => {
    const eager = (mib: number) => estimate(plan({ preDump: false }), facts, sampleInventory(mib), calibration(), []);
    const lazy = (mib: number) => estimate(plan({ preDump: false, restoreMode: 'lazy' }), facts, sampleInventory(mib), calibration(), []);
    expect(ph(eager(256), 'lazy-fill').midMs).toBe(0);
    // the restore and the image check in the blackout: the same at 64 MiB and 1 GiB
    expect(ph(lazy(1024), 'restore').midMs).toBe(ph(lazy(64), 'restore').midMs);
    expect(ph(lazy(1024), 'image-check').midMs).toBe(ph(lazy(64), 'image-check').midMs);
    expect(ph(lazy(1024), 'restore').midMs).toBeLessThan(ph(eager(1024), 'restore').midMs);
    // the pages come back after it, outside the blackout, in proportion to memory
    const fill = ph(lazy(1024), 'lazy-fill');
    expect(fill.inBlackout).toBe(false);
    expect(fill.midMs / ph(lazy(64), 'lazy-fill').midMs).toBeGreaterThan(15);
    expect(fill.midMs / ph(lazy(64), 'lazy-fill').midMs).toBeLessThan(17);
    // without pre-dump rounds the whole memory is dumped under the freeze, as eagerly
    expect(ph(lazy(1024), 'freeze-dump').midMs).toBe(ph(eager(1024), 'freeze-dump').midMs);
  });

  it('restoreMode lazy with pre-dump: one round while it runs, the freeze and the restore copy only what changed since', () => {
    const eager = (mib: number) => estimate(plan({ preDump: true }), facts, sampleInventory(mib), calibration(), []);
    const lazy = (mib: number) => estimate(plan({ preDump: true, restoreMode: 'lazy' }), facts, sampleInventory(mib), calibration(), []);
    const whole = (mib: number) => estimate(plan({ preDump: false, restoreMode: 'lazy' }), facts, sampleInventory(mib), calibration(), []);
    expect(ph(lazy(256), 'pre-dump').midMs).toBe(ph(eager(256), 'pre-dump').midMs);
    expect(ph(lazy(1024), 'freeze-dump').midMs).toBe(ph(eager(1024), 'freeze-dump').midMs);
    expect(ph(lazy(1024), 'freeze-dump').midMs).toBeLessThan(ph(whole(1024), 'freeze-dump').midMs);
    // the restore copies the changed share eagerly: more than without the round, far less than eagerly
    expect(ph(lazy(1024), 'restore').midMs).toBeGreaterThan(ph(whole(1024), 'restore').midMs);
    expect(ph(lazy(1024), 'restore').midMs).toBeLessThan(ph(eager(1024), 'restore').midMs / 2);
    expect(ph(lazy(1024), 'restore').inputs.map((i) => i.name)).toContain(
      'shared memory of pid:600 and what it changes after its pre-dump round, restored eagerly (lazy restore cannot serve it)',
    );
  });

  it('adds the orderly kexec’s service stop only when the plan asks for it', () => {
    const direct = estimate(plan({ kexecMode: 'direct' }), facts, sampleInventory(64), calibration(), []);
    const orderly = estimate(plan({ kexecMode: 'systemctl' }), facts, sampleInventory(64), calibration(), []);
    expect(ph(orderly, 'kexec-jump').midMs - ph(direct, 'kexec-jump').midMs).toBe(20_000);
  });

  it('a container: no pre-dump round (its runtime checkpoints in one go), and the runtime’s own steps on both sides of the kexec', () => {
    const inv = sampleInventory(64);
    const tree = estimate(plan({ preDump: true }), facts, inv, calibration(), []);
    const asContainer = structuredClone(inv);
    Object.assign(asContainer.workloads[0]!, {
      id: 'container:kv',
      kind: 'container',
      name: 'kv',
      runtime: 'podman',
      containerId: 'c'.repeat(64),
    });
    const kv = estimate(plan({ preDump: true }, ['container:kv']), facts, asContainer, calibration(), []);
    expect(ph(tree, 'pre-dump').midMs).toBeGreaterThan(0);
    expect(ph(kv, 'pre-dump').midMs).toBe(0);
    // Everything is dumped under the freeze, plus the runtime's steps (at the reference CPU, × 8 here).
    expect(ph(kv, 'freeze-dump').midMs).toBeGreaterThan(ph(tree, 'freeze-dump').midMs + DEFAULTS.containerCheckpointMs * 8);
    // The restore: the runtime's steps and the wait for the containers' turn, × 8.
    expect(ph(kv, 'restore').midMs - ph(tree, 'restore').midMs).toBe((DEFAULTS.containerRestoreMs + DEFAULTS.containerStageMs) * 8);
    expect(ph(kv, 'restore').inputs.map((i) => i.name)).toContain("podman restore's own steps for container:kv (reference CPU)");
  });

  it('knows nothing of a selector the inventory does not have (no bytes invented)', () => {
    const e = estimate(plan({}, ['pid:999']), facts, sampleInventory(64), calibration(), []);
    expect(e.workloads).toEqual([]);
    expect(e.bytes).toBe(0);
  });
});
