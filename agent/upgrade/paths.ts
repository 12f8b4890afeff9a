// Why: one place for where an upgrade keeps its state. The state directory is on the root
// filesystem (it must outlive both boots); the store is the pmem filesystem the images go to.
import { join } from 'node:path';

export const UPGRADES_DIR = '/var/lib/seamless/upgrades';
export const STORE_MOUNT = '/var/lib/seamless/store';
export const HOOK_UNIT = 'seamless-restore.service';
export const HOOK_UNIT_PATH = `/etc/systemd/system/${HOOK_UNIT}`;
/** Held units get their restored main PID here (read by systemd through PIDFile=). */
export const HOLD_RUN_DIR = '/run/seamless/hold';
/** On an ordinary boot that restores an interrupted upgrade: its id (in /run, so this boot's alone); the holds' --adopt accepts it. */
export const interruptedRestorePath = `${HOLD_RUN_DIR}/interrupted-restore`;

export const upgradeDir = (id: string) => join(UPGRADES_DIR, id);
export const journalPath = (id: string) => join(upgradeDir(id), 'journal.jsonl');
export const planPath = (id: string) => join(upgradeDir(id), 'plan.json');
export const preflightPath = (id: string) => join(upgradeDir(id), 'preflight.json');
export const statePath = (id: string) => join(upgradeDir(id), 'state.json');
export const agentCopyPath = (id: string) => join(upgradeDir(id), 'agent.cjs');
export const reportPath = (id: string) => join(upgradeDir(id), 'report.json');
export const storeDir = (id: string) => join(STORE_MOUNT, id);

/** `unit:redis-server.service` → `unit-redis-server.service`: a directory name for a selector. */
export function safeName(selector: string): string {
  return selector.replace(/[^A-Za-z0-9._@-]+/g, '-').replace(/^-+|-+$/g, '') || 'workload';
}

export function newUpgradeId(now = new Date(), rand = Math.random()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  return `u-${t}-${Math.floor(rand * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
