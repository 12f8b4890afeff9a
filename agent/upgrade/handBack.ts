// Why: phase "release": the held services given back to systemd. The hook writes a verdict per
// held unit (adopt the restored main PID, or start cold: the hold's drop-in removed, so the unit
// is its old self when its start job runs, ordered after the hook); the unit's `--adopt` helper
// waits for it; `--after-restore` then checks that systemd really took the process. A hold is
// never left waiting: whatever stops the restore, the held units are released to start cold.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { sh, sleep } from '../exec/sh';
import { readText } from '../fs/readOptional';
import type { Journal } from './journal';
import { HOLD_RUN_DIR, interruptedRestorePath } from './paths';
import type { Restored } from './restore';
import type { RunState } from './state';
import { holdDropInPath, holdPidFile, restoredPidFile } from './units';

const verdictPath = (unit: string) => `${HOLD_RUN_DIR}/${unit}.verdict`;

/** Releases one held unit to start cold. */
function releaseCold(unit: string): void {
  mkdirSync(HOLD_RUN_DIR, { recursive: true });
  rmSync(holdDropInPath(unit), { force: true });
  writeFileSync(verdictPath(unit), 'cold\n');
}

/** Writes the verdicts after a restore on the restore boot, and journals them. */
export async function releaseHeld(state: RunState, journal: Journal, r: Restored): Promise<void> {
  if (r.sameBoot || state.heldUnits.length === 0) return;
  const t1 = Date.now();
  mkdirSync(HOLD_RUN_DIR, { recursive: true });
  const cold: string[] = [];
  for (const h of r.handBack) {
    if (h.ok && h.pid) {
      writeFileSync(holdPidFile(h.unit), `${h.pid}\n`);
      writeFileSync(restoredPidFile(h.unit), `${h.pid}\n`);
      writeFileSync(verdictPath(h.unit), 'adopt\n');
    } else {
      releaseCold(h.unit);
      cold.push(h.unit);
    }
  }
  // A held unit the restore said nothing about (it stopped early) must not wait for a verdict.
  for (const unit of state.heldUnits) {
    if (!r.handBack.some((h) => h.unit === unit)) {
      releaseCold(unit);
      cold.push(unit);
    }
  }
  if (cold.length) await sh('systemctl', ['daemon-reload']);
  journal.write({
    phase: 'release',
    state: 'info',
    message: `held units: ${[...r.handBack.map((h) => `${h.unit} → ${h.ok ? `adopt pid ${h.pid}` : 'start cold'}`), ...cold.filter((u) => !r.handBack.some((h) => h.unit === u)).map((u) => `${u} → start cold`)].join(', ')}`,
    durationMs: Date.now() - t1,
    data: { adopt: r.handBack.filter((h) => h.ok).map((h) => h.unit), cold, policy: state.onRestoreFailure },
  });
}

/**
 * Without a readable state the held units are found by their drop-ins (each names its upgrade)
 * and released to start cold. Returns the units released.
 */
export async function releaseHoldsOf(id: string): Promise<string[]> {
  const released: string[] = [];
  let dirs: string[] = [];
  try {
    dirs = readdirSync('/etc/systemd/system').filter((d) => d.endsWith('.d'));
  } catch {
    return released;
  }
  for (const d of dirs) {
    const unit = d.slice(0, -2);
    if (readText(holdDropInPath(unit)).includes(`for upgrade ${id}:`)) {
      releaseCold(unit);
      released.push(unit);
    }
  }
  if (released.length) await sh('systemctl', ['daemon-reload']);
  return released;
}

/** After the restore: did systemd take each adopted unit's restored process? Drops the holds. */
export async function confirmHandBack(state: RunState, journal: Journal): Promise<void> {
  if (state.heldUnits.length === 0) return;
  const t0 = Date.now();
  const adopted: string[] = [];
  const unmanaged: string[] = [];
  const problems: string[] = [];
  for (const unit of state.heldUnits) {
    if (readText(verdictPath(unit)).trim() !== 'adopt') continue;
    // The boot starts only the units it wants (enabled ones); a service started by hand would
    // stay down, its restored process unmanaged. Starting it runs the hold's ExecStart (--adopt);
    // for a unit the boot starts already, this joins that start.
    await sh('systemctl', ['start', '--no-block', unit]);
    let active = '';
    for (let i = 0; i < 600; i++) {
      active = (await sh('systemctl', ['is-active', unit])).stdout.trim();
      if (active === 'active' || active === 'failed') break;
      await sleep(500);
    }
    const mainPid = Number((await sh('systemctl', ['show', '-p', 'MainPID', '--value', unit])).stdout.trim());
    const expected = Number(readText(restoredPidFile(unit)).trim());
    if (active === 'active' && mainPid === expected) adopted.push(unit);
    else {
      const alive = expected > 0 && existsSync(`/proc/${expected}`);
      problems.push(
        `${unit} is ${active} (MainPID ${mainPid}); the restored process ${expected} ${alive ? 'runs on, unmanaged: stop it before restarting the unit' : 'is gone'}`,
      );
      unmanaged.push(unit);
    }
    rmSync(holdDropInPath(unit), { force: true });
  }
  await sh('systemctl', ['daemon-reload']);
  const durationMs = Date.now() - t0;
  const data = { adopted, unmanaged, problems };
  if (problems.length === 0)
    journal.write({ phase: 'release', state: 'done', message: `systemd took back ${adopted.join(', ') || 'nothing'}`, durationMs, data });
  else
    journal.write({
      phase: 'release',
      state: 'failed',
      message: `hand-back incomplete: ${problems.join('; ')}`,
      durationMs,
      data,
      error: { code: 'SYSTEMD_HANDBACK_FAILED', message: problems.join('; ') },
    });
}

/** This boot restores upgrade `id`: the boot Seamless staged, or an ordinary one that restores after an interruption. */
function isRestoreBootOf(id: string): boolean {
  const staged = new RegExp(`(?:^|\\s)seamless\\.restore=${id}(?:\\s|$)`).test(readText('/proc/cmdline'));
  return staged || readText(interruptedRestorePath).trim() === id;
}

/** `--adopt <id> <unit>`: the held unit's ExecStart; exits 0 when the restored process is its to take. */
export async function adopt(id: string, unit: string): Promise<number> {
  if (!isRestoreBootOf(id)) {
    process.stderr.write(
      `seamless: ${unit} is held for upgrade ${id}, but this boot is not its restore boot; remove ${holdDropInPath(unit)}\n`,
    );
    return 1;
  }
  const verdict = verdictPath(unit);
  for (let i = 0; i < 20 * 60 * 5 && !existsSync(verdict); i++) await sleep(200);
  const v = readText(verdict).trim();
  process.stderr.write(`seamless: ${unit}: ${v || 'no verdict'}; main pid ${readText(holdPidFile(unit)).trim()}\n`);
  return v === 'adopt' ? 0 : 1;
}

/** The containers are back (or given up): the units that waited for them go on with their own start. */
export async function releaseContainerHolds(units: string[]): Promise<void> {
  for (const unit of units) releaseCold(unit);
  if (units.length) await sh('systemctl', ['daemon-reload']);
}

/**
 * `--await-containers <id> <unit>`: an ExecStartPre of a unit that would start a container cold
 * (podman-restart.service); returns when the containers' restore has ended, always 0 (the unit's
 * own start then leaves a restored container alone). On any other boot it does not wait.
 */
export async function awaitContainers(id: string, unit: string): Promise<number> {
  if (!isRestoreBootOf(id)) {
    process.stderr.write(
      `seamless: ${unit} waited for upgrade ${id}, but this boot is not its restore boot; remove ${holdDropInPath(unit)}\n`,
    );
    return 0;
  }
  const verdict = verdictPath(unit);
  for (let i = 0; i < 30 * 60 * 5 && !existsSync(verdict); i++) await sleep(200);
  process.stderr.write(`seamless: ${unit}: the containers of ${id} are restored or given up; ${unit} starts\n`);
  return 0;
}
