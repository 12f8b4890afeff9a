// Why: the new boot must restore before anything takes the workloads' PIDs, ports or data, and
// before systemd cold-starts a service that is coming back from the images. These are the unit
// files that make it so; plain text, generated here so that tests can read them.
import type { RunState } from '../../shared/domain/upgradeFiles';
import { HOLD_RUN_DIR, HOOK_UNIT } from './paths';

/**
 * CRIU probes the running kernel's features once per boot and keeps them in /run/criu.kdat; the
 * first CRIU of a boot pays for the probe (2.3 s on the lab's restore boot, 0.9 s once it has
 * settled, against 0.2 s with the cache), and on the restore boot that first CRIU is the restore,
 * in the blackout. So the hook starts a probe-only CRIU beside the agent's own start (which takes
 * longer), detached, and the restore finds the cache written. Its outcome is not needed: a probe
 * that fails leaves the restore to probe, as before.
 */
const KDAT_WARMUP = 'criu check --feature uffd-noncoop';
const KDAT_WARMUP_COMMENT = `# ${KDAT_WARMUP}: CRIU's kernel probe (/run/criu.kdat) made beside the agent's start, not in the restore`;

/**
 * A pmem store's device comes with its drivers (store.ts ensurePmemDevice): loaded beside the
 * agent's start too (0.26 s of the lab's restore boot otherwise); the agent loads them itself if
 * they are not there yet when it looks.
 */
const PMEM_DRIVERS = 'modprobe -q -a nd_e820 nd_pmem';

/**
 * The boot hook. It runs on every boot while it is installed, early: after the local
 * filesystems and the kernel modules (not after udev: nothing it does needs udev's rules or
 * links), before the network is configured and before the held units. On the boot Seamless
 * staged (`seamless.restore=` on the command line) it restores; on any other (a reset before the
 * jump, a new kernel that did not come up) it releases the holds and says the upgrade was interrupted. KillMode=process: the restored processes must never be killed with it
 * (they are restored into their own cgroups, but a detached rewarm child stays behind too).
 */
export function bootHookUnit(node: string, agent: string, heldUnits: string[], store: { pmem: boolean } = { pmem: false }): string {
  const before = [
    'sysinit.target',
    'network-pre.target',
    'systemd-networkd.service',
    'networking.service',
    'NetworkManager.service',
    'ssh.service',
  ];
  return `# Written by Seamless: restores checkpointed workloads after a kexec into a new kernel.
[Unit]
Description=Seamless: restore checkpointed workloads after a kernel upgrade
# On every boot while installed: with seamless.restore= it restores; without (a reset before the
# jump, or the new kernel did not come up) it releases the held services and says so.
DefaultDependencies=no
# Not after systemd-udevd: the store's device node comes from devtmpfs (the agent loads nd_pmem
# and waits for it), and udevd's own start cost the lab 1.2 s of blackout.
After=local-fs.target systemd-modules-load.service systemd-journald.socket
Requires=local-fs.target
Wants=network-pre.target
Before=${[...before, ...heldUnits].join(' ')}
Conflicts=shutdown.target

[Service]
Type=oneshot
${KDAT_WARMUP_COMMENT}${store.pmem ? `\n# ${PMEM_DRIVERS}: the store's device made beside the agent's start` : ''}
ExecStart=/bin/sh -c '${store.pmem ? `(${PMEM_DRIVERS} >/dev/null 2>&1 &); ` : ''}(${KDAT_WARMUP} >/dev/null 2>&1 &); exec "$$0" "$$1" --restore-from-cmdline' ${node} ${agent}
KillMode=process
TimeoutStartSec=20min
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=sysinit.target
`;
}

/** Where a held unit's restored main PID is written for systemd (PIDFile=). */
export const holdPidFile = (unit: string) => `${HOLD_RUN_DIR}/${unit}.pid`;

/** The restored main PID again, in a file systemd does not remove when the start fails. */
export const restoredPidFile = (unit: string) => `${HOLD_RUN_DIR}/${unit}.restored`;

/**
 * The hold on a systemd service for the restore boot. Written just before the kexec (and
 * removed again if the kexec does not happen): the unit's own ExecStart is replaced by the
 * agent's `--adopt`, which waits for the restore hook's verdict. On success the hook has
 * written the restored main PID to the PID file (root-owned, so systemd 252 accepts a PID it
 * did not fork, "Supervising process … which is not our child") and Type=forking makes systemd
 * take it as the main PID when `--adopt` exits 0; the restored processes are in the unit's own
 * cgroup already (CRIU --manage-cgroups). On failure `--adopt` exits non-zero and the hook
 * has already removed this drop-in and started the unit cold.
 *
 * `+` runs the adopt helper outside the unit's sandbox: a hardened unit's seccomp filter,
 * MemoryDenyWriteExecute and ExecPaths= would kill Node (Debian's redis unit does, SIGSYS). The
 * restored process keeps its own sandbox state, restored by CRIU. KillMode=none and Restart=no
 * hold only while adopting: if systemd still refuses the process, the failed start must not
 * kill the restored workload (its cgroup is the unit's) nor start a second copy beside it.
 */
export function holdDropIn(node: string, agent: string, id: string, unit: string): string {
  return `# Written by Seamless for upgrade ${id}: hold the cold start on the restore boot, adopt the restored process.
# Removed by Seamless once the unit runs again (or if the kexec does not happen).
[Unit]
After=${HOOK_UNIT}

[Service]
Type=forking
PIDFile=${holdPidFile(unit)}
ExecStartPre=
ExecStart=
ExecStart=+${node} ${agent} --adopt ${id} ${unit}
ExecStartPost=
TimeoutStartSec=20min
KillMode=none
Restart=no
`;
}

export const holdDropInPath = (unit: string) => `/etc/systemd/system/${unit}.d/50-seamless-hold.conf`;

/**
 * Units that would start a podman container cold on the restore boot: podman-restart.service
 * starts every `always` container after the network is online. It waits (this drop-in) until the
 * containers are restored, then does its own start, which leaves a running container alone and
 * starts one whose restore failed. docker's hold is its restart policy (runtimeCheckpoint.ts).
 */
export function containerHoldUnits(state: Pick<RunState, 'workloads'>): string[] {
  return state.workloads.some((w) => w.container?.runtime === 'podman' && w.container.restartPolicy === 'always')
    ? ['podman-restart.service']
    : [];
}

export function containerHoldDropIn(node: string, agent: string, id: string, unit: string): string {
  return `# Written by Seamless for upgrade ${id}: hold this unit until the containers are restored on the restore boot.
# Removed by Seamless once they are (or if the kexec does not happen).
[Service]
ExecStartPre=+${node} ${agent} --await-containers ${id} ${unit}
TimeoutStartSec=30min
`;
}
