// Why: the lab as a TypeScript module, so tests, the controller and the e2e
// suite drive the same operations as the CLI without spawning it.
//
//   labBuild()  make or reuse the cached image      labUp()    boot it, wait for SSH
//   labStatus() where and what it is (JSON shape)   labDown()  poweroff, clean up
//   labExec()   run a command in the guest over the pinned SSH connection
import { requireRunningLab } from './labTarget.js';
import { LabError } from './errors.js';
import { shellQuote, sshRun } from './ssh.js';
import { muxFailed, muxOptions } from './sshMux.js';
import type { RunResult } from './run.js';

export { labBuild, resolveRecipe, type BuildOptions, type BuildResult } from './buildImage.js';
export { labUp, type UpOptions, type UpResult } from './labUp.js';
export { labDown, type DownOptions, type DownResult } from './labDown.js';
export { labStatus } from './labStatus.js';
export type { LabStatus } from './statusJson.js';
export type { LabManifest } from './cacheEntry.js';
export { LAB_KERNELS, MEMLOAD_DEFAULT_SIZE } from './imageRecipe.js';
export { GP3_BASELINE, guestCmdline, VM, type DiskThrottle } from './vmConfig.js';
export { labDir } from './labPaths.js';
export { LabError } from './errors.js';
export { shellQuote } from './ssh.js';

export interface ExecOptions {
  /** Kill ssh after this long (default 10 min). */
  timeoutMs?: number;
  /** Fed to the remote command's stdin. */
  input?: string;
}

export type ExecResult = Pick<RunResult, 'code' | 'stdout' | 'stderr'>;

/**
 * Before each command: the guest's next PIDs start at 10,000 at least, as on a host that has run
 * a while. Workloads the tests start then never take a PID that the next boot's early processes
 * (kernel threads, udev workers, the first services) hold when the restore runs: CRIU restores a
 * process only under its own PID. Without it the lab's PIDs depended on how many SSH connections
 * a case had opened before (through the shared connection far fewer: CI saw a restored service
 * collide). Preflight's `pids.collision` finding covers the hosts where PIDs are that low.
 */
export const PID_FLOOR = 10_000;
const RAISE_PIDS = `{ read -r p < /proc/sys/kernel/ns_last_pid; [ "$p" -ge ${PID_FLOOR} ] || echo ${PID_FLOOR} > /proc/sys/kernel/ns_last_pid; } 2>/dev/null\n`;

/**
 * Run a command in the guest as root. A string goes to the remote shell as is;
 * an array is quoted word by word. Never throws on a non-zero exit (look at
 * `code`; 255 is ssh's own failure); throws LabError NOT_RUNNING when down.
 */
export async function labExec(cmd: string | readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const lab = requireRunningLab();
  const command = RAISE_PIDS + (typeof cmd === 'string' ? cmd : shellQuote(cmd));
  const options = muxOptions(lab.target);
  const r = await sshRun(lab.target, command, { timeoutMs: opts.timeoutMs ?? 600_000, input: opts.input ?? '', options });
  if (r.code === 255 && options.length > 0) muxFailed();
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** The host port that reaches `name`'s port in the running guest (redis: 127.0.0.1:PORT → guest 6379; kv, a container's published port: → 7000). */
export function labForwardPort(name: 'redis' | 'kv'): number {
  const forward = requireRunningLab().state.forwards?.[name];
  if (!forward)
    throw new LabError(
      'NOT_RUNNING',
      `the running lab has no ${name} forward (started by an older lab): restart it with \`npm run lab -- down\` and \`up\``,
    );
  return forward.host;
}
