// Why: proves on the lab what the admin of a real server cares about beyond a bare process
// tree. A store too small is refused before anything is touched. A restore that fails (a
// service holding a file on /run, which the new boot starts empty) runs the plan's fallback:
// one safer retry, then the held service starts cold, the images stay, and the journal says
// why. (Debian's own redis, with its outside client, is carried by the lazy restore's case in
// upgrade.lab.test.ts: one kexec proves both.)
//
// Registered by upgrade.lab.test.ts after its own cases, in the same boot of the lab (one boot
// less in CI); every case here starts from whichever kernel the lab runs.
import { expect, it } from 'vitest';
import { call, cgroupProcs, guest, MIN, otherKernel, plan, summary, unitShow, waitForRecord, type Rec } from './labAgent.js';

interface Finding {
  id: string;
  severity: string;
  workload?: string;
  evidence: string;
}
interface Preflight {
  findings: Finding[];
  criuOptions: Record<string, string[]>;
  canStart: boolean;
}
interface Report {
  outcome: string;
  kernelAfter: string;
  blackoutMs: number;
  workloads: { selector: string; rootPid: number; restored: boolean; handedBackTo: string | null }[];
}

const phase = (recs: Rec[], p: string, s: string) => recs.find((r) => r.phase === p && r.state === s);

/** The cases, registered inside the caller's describe (the caller owns the lab's boot). */
export function servicesOnTheLab(): void {
  it('refuses a store too small at preflight and touches nothing', async () => {
    await guest(
      'truncate -s 64M /root/small-store.img && mkfs.ext4 -q -F /root/small-store.img && mkdir -p /mnt/small-store && mount -o loop /root/small-store.img /mnt/small-store',
    );
    const unit = 'lab-memload@256M.service';
    const before = await unitShow(unit);
    const upgradesBefore = await guest('ls -A /var/lib/seamless/upgrades 2>/dev/null || true');
    const p = plan([`unit:${unit}`], {}, await otherKernel());
    p.store = { kind: 'dir', path: '/mnt/small-store' } as unknown as typeof p.store;

    const pre = await call<Preflight>('preflight.run', { plan: p });
    const tooSmall = pre.findings.find((f) => f.id === 'store.too-small');
    expect(tooSmall?.severity).toBe('block');
    expect(pre.canStart).toBe(false);

    await expect(call('upgrade.start', { plan: p })).rejects.toThrow(/PREFLIGHT_BLOCKED/);
    // nothing touched: no upgrade recorded, nothing staged, no boot hook, no hold, store empty, service as it was
    expect(await guest('ls -A /var/lib/seamless/upgrades 2>/dev/null || true')).toBe(upgradesBefore);
    expect((await guest('cat /sys/kernel/kexec_loaded')).trim()).toBe('0');
    expect((await guest('test -e /etc/systemd/system/seamless-restore.service; echo $?')).trim()).toBe('1');
    expect((await guest(`test -e /etc/systemd/system/${unit}.d/50-seamless-hold.conf; echo $?`)).trim()).toBe('1');
    expect((await guest('ls -A /mnt/small-store')).trim()).toBe('lost+found');
    expect(await unitShow(unit)).toEqual(before);
    await guest('umount /mnt/small-store');
  });

  it('a restore that fails retries once, goes back to the old kernel (kexec-back), fails there too and starts the service cold; the images stay and the journal says why', async () => {
    const unit = 'lab-runholder.service';
    // A service holding a file on /run (tmpfs): the new boot starts with an empty /run.
    await guest(`cat > /etc/systemd/system/${unit} <<'EOF'
[Unit]
Description=Seamless lab: holds a file on /run (tmpfs)
[Service]
ExecStart=/bin/sh -c 'exec 3>/run/lab-runholder.lock; exec /usr/local/bin/lab-memload 64M'
StandardOutput=null
StandardError=null
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload && systemctl enable --now ${unit}`);
    await new Promise((r) => setTimeout(r, 2000));
    const before = await unitShow(unit);
    const oldPid = Number(before.MainPID);
    expect(before.ActiveState).toBe('active');
    const target = await otherKernel();
    const old = (await guest('uname -r')).trim();

    const p = plan([`unit:${unit}`], { acknowledge: ['workload.memory-fs-files'], onRestoreFailure: 'kexec-back' }, target);
    const pre = await call<Preflight>('preflight.run', { plan: p });
    const tmpfs = pre.findings.find((f) => f.id === 'workload.memory-fs-files');
    expect(tmpfs?.severity).toBe('block');
    expect(tmpfs?.evidence).toContain('/run/lab-runholder.lock');
    expect(pre.canStart).toBe(true); // acknowledged

    const { upgradeId } = await call<{ upgradeId: string }>('upgrade.start', { plan: p });
    // two boots: the new kernel, where the restore fails, then the old one again
    const recs = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 25 * MIN);
    expect((await guest('uname -r')).trim()).toBe(old);

    const attempts = recs.filter((r) => r.phase === 'restore' && r.error?.code === 'CRIU_RESTORE_FAILED' && r.kernel === target);
    expect(attempts[0]?.message).toMatch(/retrying once with/);
    expect(attempts[0]?.error?.evidence).toMatch(/lab-runholder\.lock|No such file/);
    const gaveUp = recs.find((r) => r.phase === 'restore' && r.kernel === target && /failed twice; images kept in/.test(r.message));
    expect(gaveUp).toBeDefined();
    // policy kexec-back: back to the old kernel, where the restore is tried again
    expect(recs.find((r) => r.phase === 'fallback' && r.state === 'begin')?.message).toMatch(/policy kexec-back: back to/);
    expect(recs.find((r) => r.phase === 'kexec' && r.state === 'begin' && r.data?.back === true)?.kernel).toBe(target);
    const boots = recs.filter((r) => r.phase === 'boot' && r.state === 'done').map((r) => r.kernel);
    expect(boots).toEqual([target, old]);
    // there too it fails (the /run file is gone on every boot): the service starts cold, once
    const lastRestore = [...recs].reverse().find((r) => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'));
    expect(lastRestore).toMatchObject({ state: 'failed', kernel: old, data: { failed: [`unit:${unit}`] } });
    expect(recs.find((r) => r.phase === 'release' && r.state === 'info')).toMatchObject({
      kernel: old,
      data: { cold: [unit], policy: 'kexec-back' },
    });

    // the images are still in the store
    const imagesDir = /images kept in (\S+)/.exec(gaveUp!.message)![1]!;
    expect(Number((await guest(`ls ${imagesDir} | grep -c '\\.img$'`)).trim())).toBeGreaterThan(3);

    // started cold, once, on the new kernel
    await waitForActive(unit);
    const after = await unitShow(unit);
    expect(after.ActiveState).toBe('active');
    expect(Number(after.MainPID)).not.toBe(oldPid);
    expect(await cgroupProcs(after.ControlGroup!)).toEqual([after.MainPID]); // sh exec'd into lab-memload: one process
    const report = JSON.parse(await guest(`cat /var/lib/seamless/upgrades/${upgradeId}/report.json`)) as Report;
    expect(report.outcome).toBe('cold-started');
    expect(report.kernelAfter).toBe(old);
    expect(report.workloads[0]).toMatchObject({ selector: `unit:${unit}`, restored: false });
    // what the app shows: the host's outcome, a cold start and not a green "done"
    const shown = await summary(upgradeId);
    expect(shown).toMatchObject({ state: 'ended', outcome: 'cold-started' });
    expect(phase(recs, 'report', 'done')?.data?.outcome).toBe('cold-started');
    const listed = (await call<{ id: string; outcome: string | null }[]>('upgrade.list', {})).find((u) => u.id === upgradeId);
    expect(listed?.outcome).toBe('cold-started');
    await guest(`systemctl disable --now ${unit}`);
  });
}

async function waitForActive(unit: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await guest(`systemctl is-active ${unit} || true`)).trim() === 'active') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
