// Why: every lab step shells out (debootstrap, chroot, mke2fs, qemu, ssh). One
// small runner captures output, optionally tees it into a build log, and turns a
// non-zero exit into a LabError carrying the tool's last words.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { LabError, tail } from './errors.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Append stdout and stderr to this file as they arrive. */
  logFile?: string;
  /** Connect the child to this terminal (interactive ssh). */
  inheritStdio?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: opts.inheritStdio ? 'inherit' : ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const log = (chunk: Buffer): void => {
      if (opts.logFile) appendFileSync(opts.logFile, chunk);
    };
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      log(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      log(c);
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
    }
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new LabError('COMMAND_FAILED', `cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Run and insist on exit status 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const how = r.timedOut ? 'timed out' : r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`;
    const evidence = tail(`${r.stdout}\n${r.stderr}`, 25);
    throw new LabError('COMMAND_FAILED', `${cmd} ${args.join(' ')} ${how}`, evidence);
  }
  return r;
}
