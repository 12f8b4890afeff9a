// Why: `down` ends the lab the way a server is shut down (poweroff over SSH),
// waits a bounded time for QEMU to exit, and only then kills that one PID; the
// overlay goes with it so the next `up` starts clean.
import { existsSync } from 'node:fs';
import { Progress, stdoutLog, type LogFn } from './progress.js';
import { labDir, runPaths } from './labPaths.js';
import { clearRunState, isOurQemu, liveQemuPid } from './runState.js';
import { findRunningLab } from './labTarget.js';
import { sshRun } from './ssh.js';
import { stopMux } from './sshMux.js';

export interface DownOptions {
  log?: LogFn;
  /** How long to wait for an orderly poweroff before killing QEMU (default 90 s). */
  timeoutMs?: number;
}

export interface DownResult {
  wasRunning: boolean;
  /** How it ended: the guest powered off, or QEMU had to be killed. */
  how: 'poweroff' | 'killed' | 'not-running';
  seconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, overlay: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isOurQemu(pid, overlay)) return true;
    await sleep(250);
  }
  return !isOurQemu(pid, overlay);
}

export async function labDown(opts: DownOptions = {}): Promise<DownResult> {
  const log = opts.log ?? stdoutLog;
  const progress = new Progress(log);
  const root = labDir();
  const r = runPaths(root);
  const pid = liveQemuPid(root);
  if (pid === undefined) {
    if (existsSync(r.overlay) || existsSync(r.pidfile)) clearRunState(root);
    log('the lab is not running');
    return { wasRunning: false, how: 'not-running', seconds: 0 };
  }
  const lab = findRunningLab(root);
  stopMux();
  let how: DownResult['how'] = 'poweroff';
  if (lab) {
    // the connection drops as the guest goes down: ssh's exit status means nothing here
    await progress.step('poweroff over SSH', () =>
      sshRun(lab.target, 'systemctl poweroff --no-block || poweroff', { timeoutMs: 30_000, connectTimeoutSec: 5 }),
    );
  }
  const gone = await progress.step('wait for QEMU to exit', () => waitGone(pid, r.overlay, opts.timeoutMs ?? 90_000));
  if (!gone) {
    how = 'killed';
    progress.note(`QEMU (pid ${pid}) did not exit; sending SIGTERM`);
    if (isOurQemu(pid, r.overlay)) process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, r.overlay, 10_000)) && isOurQemu(pid, r.overlay)) {
      progress.note(`sending SIGKILL to ${pid}`);
      process.kill(pid, 'SIGKILL');
      await waitGone(pid, r.overlay, 10_000);
    }
  }
  clearRunState(root);
  progress.note(`lab down (${how}) in ${progress.elapsed().toFixed(1)}s; serial log kept at ${r.serialLog}`);
  return { wasRunning: true, how, seconds: progress.elapsed() };
}
