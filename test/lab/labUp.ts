// Why: `up` boots the lab the way the tests need it: a fresh copy-on-write
// overlay on the cached image (so every boot starts clean and the cache is never
// written), QEMU under TCG daemonized with a pidfile, and a wait until SSH runs
// a real command with the pinned host key, then until systemd has finished
// booting (the redis dataset is loaded by then).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { LabError, tail } from './errors.js';
import { run, runOk } from './run.js';
import { Progress, stdoutLog, type LogFn } from './progress.js';
import { RUN_TOOLS, requireTools } from './hostTools.js';
import { labDir, runPaths } from './labPaths.js';
import { labBuild } from './buildImage.js';
import { guestCmdline, QBOOT, qemuArgs, type DiskThrottle } from './vmConfig.js';
import { freePort } from './freePort.js';
import { knownHostsLine } from './sshKeys.js';
import { clearRunState, isOurQemu, writeRunState } from './runState.js';
import { findRunningLab, sshTarget } from './labTarget.js';
import { classifySshFailure, sshRun, type SshTarget } from './ssh.js';
import { GUEST_POLL, pollOverlapping } from './pollOverlapping.js';
import { labStatus } from './labStatus.js';
import type { LabStatus } from './statusJson.js';

export interface UpOptions {
  log?: LogFn;
  /** Host port for the SSH forward; a free one when absent. */
  port?: number;
  /** Give up waiting for SSH after this long (default 240 s). */
  sshTimeoutMs?: number;
  /** Also wait for `systemctl is-system-running --wait` (default true). */
  waitForBoot?: boolean;
  /** Told when `up` moves on: building (or checking) the image, booting, ready. */
  onStage?: (stage: 'build' | 'boot' | 'ready') => void;
  /** Throttle the root disk (benchmarks; see GP3_BASELINE). */
  diskThrottle?: DiskThrottle;
}

export interface UpResult {
  status: LabStatus;
  alreadyRunning: boolean;
  /** Seconds from starting QEMU to the first successful SSH command. */
  bootToSshSec: number | null;
  /** Seconds from starting QEMU until systemd reported the boot finished. */
  bootToReadySec: number | null;
  /** Seconds for the whole `up`, including a cache check or build. */
  totalSec: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function serialTail(path: string, lines = 40): string {
  return existsSync(path) ? tail(readFileSync(path, 'utf8').replace(/\r/g, ''), lines) : '(no serial log)';
}

async function stopPid(pid: number, overlay: string): Promise<void> {
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    if (!isOurQemu(pid, overlay)) return;
    process.kill(pid, sig);
    for (let i = 0; i < 40 && isOurQemu(pid, overlay); i++) await sleep(250);
  }
}

async function waitForSsh(t: SshTarget, pid: number, overlay: string, serialLog: string, timeoutMs: number): Promise<string> {
  let last = '';
  const uname = await pollOverlapping(
    async () => {
      const r = await sshRun(t, 'uname -r', { timeoutMs: 30_000, connectTimeoutSec: 10 });
      if (r.code === 0 && r.stdout.trim() !== '') return r.stdout.trim();
      const kind = classifySshFailure(r.stderr);
      if (kind === 'host-key-mismatch' || kind === 'auth-failed') {
        throw new LabError('SSH_TIMEOUT', `SSH to the lab failed (${kind}); the image and its pinned keys disagree`, r.stderr.trim());
      }
      last = r.stderr.trim() || `exit ${r.code}`;
      return undefined;
    },
    {
      ...GUEST_POLL,
      timeoutMs,
      check: () => {
        if (!isOurQemu(pid, overlay)) {
          throw new LabError(
            'QEMU_FAILED',
            'QEMU exited while the guest was booting',
            `serial log (${serialLog}):\n${serialTail(serialLog)}`,
          );
        }
      },
    },
  );
  if (uname !== undefined) return uname;
  throw new LabError(
    'SSH_TIMEOUT',
    `the lab did not answer SSH within ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
    `serial log (${serialLog}):\n${serialTail(serialLog)}`,
  );
}

export async function labUp(opts: UpOptions = {}): Promise<UpResult> {
  const log = opts.log ?? stdoutLog;
  const progress = new Progress(log);
  requireTools(RUN_TOOLS);
  if (!existsSync(QBOOT))
    throw new LabError('MISSING_TOOLS', `QEMU's qboot firmware is missing (${QBOOT})`, 'install it: apt-get install qemu-system-data');
  const root = labDir();
  const r = runPaths(root);

  const running = findRunningLab(root);
  if (running) {
    opts.onStage?.('ready');
    log(`the lab is already running (pid ${running.pid}, ssh port ${running.state.port})`);
    return { status: await labStatus(), alreadyRunning: true, bootToSshSec: null, bootToReadySec: null, totalSec: progress.elapsed() };
  }

  opts.onStage?.('build');
  const entry = await labBuild({ log });
  opts.onStage?.('boot');
  const kernel = entry.manifest.kernels.boot;
  clearRunState(root); // a stale pidfile/overlay from a VM that died
  mkdirSync(r.dir, { recursive: true });
  await progress.step('create a fresh qcow2 overlay on the cached image', () =>
    runOk('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', entry.paths.image, r.overlay]),
  );
  const cmdline = guestCmdline();

  let port = opts.port ?? (await freePort());
  let forwards = { redis: { host: await freePort(), guest: 6379 }, kv: { host: await freePort(), guest: 7000 } };
  let pid: number | undefined;
  let started = 0;
  for (let attempt = 1; pid === undefined; attempt++) {
    writeFileSync(r.knownHosts, knownHostsLine('127.0.0.1', port, entry.manifest.hostKey));
    writeFileSync(r.serialLog, '');
    const args = qemuArgs({
      kernel: entry.paths.kernel(kernel),
      initrd: entry.paths.initrd(kernel),
      cmdline,
      overlay: r.overlay,
      port,
      forwards: Object.values(forwards),
      serialLog: r.serialLog,
      pidfile: r.pidfile,
      diskThrottle: opts.diskThrottle,
    });
    progress.note(`qemu-system-x86_64 ${args.join(' ')}`);
    started = Date.now();
    const q = await run('qemu-system-x86_64', args, { timeoutMs: 60_000 });
    if (q.code === 0 && existsSync(r.pidfile)) {
      pid = Number(readFileSync(r.pidfile, 'utf8').trim());
      break;
    }
    const portTaken = /host forwarding rule|Could not set up host forwarding/i.test(q.stderr);
    if (portTaken && opts.port === undefined && attempt < 3) {
      progress.note(`port ${port} was taken, trying another`);
      port = await freePort();
      forwards = { redis: { host: await freePort(), guest: 6379 }, kv: { host: await freePort(), guest: 7000 } };
      continue;
    }
    rmSync(r.overlay, { force: true });
    throw new LabError('QEMU_FAILED', `qemu-system-x86_64 failed to start (exit ${q.code})`, q.stderr.trim());
  }
  writeRunState(root, { pid, port, forwards, imageKey: entry.manifest.key, kernel, cmdline, startedAt: new Date(started).toISOString() });
  progress.note(
    `QEMU running (pid ${pid}), ssh forward 127.0.0.1:${port}, redis forward 127.0.0.1:${forwards.redis.host}, kv forward 127.0.0.1:${forwards.kv.host}, serial log ${r.serialLog}`,
  );

  let bootToSshSec = 0;
  let bootToReadySec: number | null = null;
  try {
    const target = sshTarget(root, entry, port);
    const uname = await progress.step('wait for SSH (pinned host key)', () =>
      waitForSsh(target, pid, r.overlay, r.serialLog, opts.sshTimeoutMs ?? 240_000),
    );
    bootToSshSec = Math.round((Date.now() - started) / 100) / 10;
    progress.note(`boot-to-SSH: ${bootToSshSec.toFixed(1)}s (guest kernel ${uname})`);

    if (opts.waitForBoot ?? true) {
      const sys = await progress.step('wait for systemd to finish booting', () =>
        sshRun(target, 'systemctl is-system-running --wait', { timeoutMs: 600_000 }),
      );
      bootToReadySec = Math.round((Date.now() - started) / 100) / 10;
      const state = sys.stdout.trim();
      progress.note(`boot-to-ready: ${bootToReadySec.toFixed(1)}s (systemd: ${state || sys.stderr.trim()})`);
      if (state !== 'running') {
        const failed = await sshRun(target, 'systemctl --failed --no-legend --plain', { timeoutMs: 30_000 });
        log(`WARNING: the guest is ${state}; failed units:\n${failed.stdout.trim() || '(none listed)'}`);
      }
    }
  } catch (err) {
    // a lab that never became reachable is not left running behind the error
    log(`stopping QEMU (pid ${pid}); serial log kept at ${r.serialLog}`);
    await stopPid(pid, r.overlay);
    clearRunState(root);
    throw err;
  }
  opts.onStage?.('ready');
  progress.note(`lab up in ${progress.elapsed().toFixed(1)}s: npx tsx test/lab/cli.ts ssh`);
  return { status: await labStatus(), alreadyRunning: false, bootToSshSec, bootToReadySec, totalSec: progress.elapsed() };
}
