// Why: the four ways to get a workload onto a new kernel that the side-by-side benchmark puts
// next to each other, each run the way an admin would run it, and measured the same way (the
// guest probe: answered, warm; the workload's own state before and after):
//   seamless   Seamless with its pmem store and pre-dump
//   seamless-lazy  the same, restoreMode lazy (one pre-dump round; pages on demand after the tree runs)
//   criu-disk  the same agent and CRIU options, the images in a directory on the root disk
//   cold       `systemctl kexec` into the new kernel: services stop and start cold
//   reboot     `systemctl reboot` through the VM's firmware (QEMU boots the kernel it was given)
import { LAB_KERNELS } from '../lab/lab.js';
import { bootId, call, guest, MIN, otherKernel, plan, waitForNewBoot, waitForRecord, type Rec } from '../lab/labAgent.js';
import type { BenchWorkload, WorkloadState } from './benchWorkloads.js';
import { armProbe, markStop, probeResult, stoppedAtMs } from './guestProbe.js';

export const METHODS = ['seamless', 'seamless-lazy', 'criu-disk', 'cold', 'reboot'] as const;
export type Method = (typeof METHODS)[number];

export interface Run {
  workload: string;
  size: string;
  method: Method;
  kernelBefore: string;
  kernelAfter: string;
  /** Guest wall clock (ms): the workload stopped serving (the freeze; a cold stop's ExecStop). */
  stoppedAtMs: number;
  answeredAtMs: number;
  warmAtMs: number;
  blackoutMs: number;
  /** Kernel + initrd of the new boot (systemd's start, from the kernel's clock). */
  kernelBootMs: number;
  /** blackout − kernelBootMs: the shutdown, the checkpoint, userspace and the restore or cold start. */
  nonBootMs: number;
  untilWarmMs: number;
  before: WorkloadState;
  after: WorkloadState;
  /** Same content and the memory-only figure went on (not reset). */
  stateKept: boolean;
  /** Bytes of state the method wrote to disk (images in a directory, an RDB file). */
  stateBytesOnDisk: number;
  /** Bytes the new boot wrote to the root disk until the workload was warm. */
  bootWrittenBytes: number;
  upgradeId: string | null;
  /** Seamless's own figures for its runs (checkpoint, image check, restore). */
  phases: Record<string, number | null> | null;
  /** Where the new boot went (Seamless's runs): the jump, the kernel, the initramfs, systemd until the hook (ms). */
  boot: { jumpMs: number; kernelMs: number; initramfsMs: number; systemdToHookMs: number } | null;
  /** True when the restored/started workload came back at all. */
  ok: boolean;
  /** Seamless's journal of the run (every record, both boots), for a closer look; the saved file keeps it beside the runs. */
  journal?: Rec[];
}

const sumOf = (xs: unknown[]) => xs.reduce<number>((s, x) => s + (typeof x === 'number' ? x : 0), 0);

/** Seamless's own phase figures from its journal. */
function phasesOf(recs: Rec[]): Record<string, number | null> {
  const done = (p: string) => recs.find((r) => r.phase === p && r.state === 'done');
  const cp = done('checkpoint')?.data ?? {};
  const restoreInfo = recs.filter((r) => r.phase === 'restore' && r.state === 'info');
  const checks = restoreInfo.filter((r) => r.data?.step === 'images-checked');
  const restored = restoreInfo.filter((r) => r.data?.step === 'restored');
  return {
    preDumpMs: sumOf(recs.filter((r) => r.phase === 'pre-dump' && r.state === 'done').map((r) => r.durationMs)),
    checkpointMs: done('checkpoint')?.durationMs ?? null,
    dumpMs: typeof cp.criuMs === 'number' ? cp.criuMs : null,
    manifestMs: typeof cp.manifestMs === 'number' ? cp.manifestMs : null,
    finalDumpBytes: typeof cp.bytesDumped === 'number' ? cp.bytesDumped : null,
    dirtyBytesAtFreeze: typeof cp.dirtyBytesAtFreeze === 'number' ? cp.dirtyBytesAtFreeze : null,
    kexecToHookMs: done('boot')?.durationMs ?? null,
    imageCheckMs: sumOf(checks.map((r) => r.durationMs)),
    imageHashMs: sumOf(checks.map((r) => r.data?.hashMs)),
    criuRestoreMs: sumOf(restored.map((r) => r.durationMs)),
    // restoreMode lazy: from the tree running again to its last page, and the page faults it waited for.
    degradedMs: (() => {
      const f = recs.find((r) => r.phase === 'lazy-fill' && (r.state === 'done' || r.state === 'failed'));
      return typeof f?.data?.degradedMs === 'number' ? f.data.degradedMs : null;
    })(),
    lazyFaults: (() => {
      const f = recs.find((r) => r.phase === 'lazy-fill' && (r.state === 'done' || r.state === 'failed'));
      return typeof f?.data?.faults === 'number' ? f.data.faults : null;
    })(),
    restoreMs: done('restore')?.durationMs ?? recs.findLast((r) => r.phase === 'restore' && r.state === 'failed')?.durationMs ?? null,
    agentBlackoutMs: (() => {
      const r = recs.findLast((x) => x.phase === 'restore' && (x.state === 'done' || x.state === 'failed'));
      return typeof r?.data?.blackoutMs === 'number' ? r.data.blackoutMs : null;
    })(),
    imageBytes:
      (typeof cp.bytesDumped === 'number' ? cp.bytesDumped : 0) +
      sumOf(recs.filter((r) => r.phase === 'pre-dump' && r.state === 'done').flatMap((r) => (r.data?.roundBytes as number[]) ?? [])),
  };
}

const DISK_STORE = '/var/lib/seamless-bench-images';

/** One run of one method on one workload (the workload is started and warm first). */
export async function runOnce(w: BenchWorkload, method: Method, log: (m: string) => void): Promise<Run> {
  const before = await w.ready();
  const kernelBefore = (await guest('uname -r')).trim();
  const target = method === 'reboot' ? LAB_KERNELS.boot : await otherKernel();
  await armProbe(w.probe);
  const boot0 = await bootId();
  let upgradeId: string | null = null;
  let recs: Rec[] = [];
  let stateBytesOnDisk = 0;
  log(`${w.name}: ${method} (${kernelBefore} → ${target}) …`);
  if (method === 'seamless' || method === 'seamless-lazy' || method === 'criu-disk') {
    const store = method === 'criu-disk' ? { store: { kind: 'dir', path: DISK_STORE } } : {};
    if (method === 'criu-disk') await guest(`mkdir -p ${DISK_STORE} && chmod 700 ${DISK_STORE}`);
    const p = { ...plan([`unit:${w.unit}`], method === 'seamless-lazy' ? { restoreMode: 'lazy' } : {}, target), ...store };
    upgradeId = (await call<{ upgradeId: string }>('upgrade.start', { plan: p })).upgradeId;
    await waitForNewBoot(boot0, 20 * MIN);
    recs = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 20 * MIN);
  } else {
    await w.beforeCold();
    await markStop(w.unit);
    if (method === 'cold') {
      // The new kernel with this boot's command line (less an earlier upgrade's restore marker).
      await guest(
        `kexec -l /boot/vmlinuz-${target} --initrd=/boot/initrd.img-${target} --append="$(sed 's/ *seamless\\.restore=[^ ]*//' /proc/cmdline)"`,
      );
    }
    // In the background: the SSH session ends with the machine.
    await guest(`nohup sh -c 'sleep 1; systemctl ${method === 'cold' ? 'kexec' : 'reboot'}' >/dev/null 2>&1 &`);
    await waitForNewBoot(boot0, 20 * MIN);
  }
  const probe = await probeResult(20 * MIN);
  const kernelAfter = (await guest('uname -r')).trim();
  const after = await w.state();
  let stopped: number;
  if (upgradeId) {
    const cp = recs.find((r) => r.phase === 'checkpoint' && r.state === 'done');
    stopped = typeof cp?.data?.freezeAtMs === 'number' ? cp.data.freezeAtMs : NaN;
    stateBytesOnDisk = method === 'criu-disk' ? (phasesOf(recs).imageBytes ?? 0) : 0;
  } else {
    stopped = await stoppedAtMs();
    stateBytesOnDisk = await w.coldStateBytes();
    await w.afterCold();
  }
  // A Seamless run's workload answers when its restore thawed it (the probe starts only after the
  // restore hook, so as to take no PID the restore needs); any other when the probe saw it.
  const thawed = recs.find((r) => r.phase === 'restore' && r.data?.step === 'restored' && r.data.selector === `unit:${w.unit}`);
  const answeredAtMs = thawed ? Math.min(thawed.atMs, probe.answeredAtMs) : probe.answeredAtMs;
  const blackoutMs = answeredAtMs - stopped;
  let boot: Run['boot'] = null;
  const b = recs.find((r) => r.phase === 'boot' && r.state === 'done');
  if (b && typeof b.durationMs === 'number' && typeof b.data?.uptimeAtHookS === 'number' && typeof b.data.initStartS === 'number') {
    const hook = b.data.uptimeAtHookS * 1000;
    const init = b.data.initStartS * 1000;
    const root = probe.kernelBootMs;
    boot = { jumpMs: b.durationMs - hook, kernelMs: init, initramfsMs: root - init, systemdToHookMs: hook - root };
  }
  const stateKept = after.digest === before.digest && after.ok && after.count >= before.count;
  return {
    workload: w.name,
    size: w.sizeLabel,
    method,
    kernelBefore,
    kernelAfter,
    stoppedAtMs: stopped,
    answeredAtMs,
    warmAtMs: probe.warmAtMs,
    blackoutMs,
    kernelBootMs: Math.round(probe.kernelBootMs),
    nonBootMs: Math.round(blackoutMs - probe.kernelBootMs),
    untilWarmMs: probe.warmAtMs - stopped,
    before,
    after,
    stateKept,
    stateBytesOnDisk,
    bootWrittenBytes: probe.writtenBytes,
    upgradeId,
    phases: upgradeId ? phasesOf(recs) : null,
    boot,
    ok: after.ok,
    ...(upgradeId ? { journal: recs } : {}),
  };
}
