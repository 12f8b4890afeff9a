// Why: the agent runs host tools (criu, kexec, mkfs, journalctl, fincore, ss) in one way:
// arguments never passed through a shell, time and output bounded, "not installed" told apart
// from "ran and failed", and a failure turned into a SeamlessError with the tool's own last
// words as evidence.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Socket } from 'node:net';
import { SeamlessError, tailOf, type ErrorCode } from '../../shared/errors';

export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command does not exist on this host (spawn ENOENT). */
  missing: boolean;
  timedOut: boolean;
}

export interface ShOptions {
  timeoutMs?: number;
  input?: string;
  /** Bytes of stdout and of stderr kept; default 4 MiB each. */
  limitBytes?: number;
  /** Open sockets handed to the tool as fds 3, 4, … (CRIU's --inherit-fd). */
  passFds?: readonly Socket[];
  /** Aborted: the tool is killed (the request that ran it was cancelled). */
  signal?: AbortSignal;
}

export function sh(cmd: string, args: string[], opts: ShOptions = {}): Promise<ShResult> {
  const limit = opts.limitBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child: ChildProcessByStdio<Writable, Readable, Readable>;
    try {
      child = spawn(cmd, args, {
        env: { ...process.env, LC_ALL: 'C' },
        stdio: ['pipe', 'pipe', 'pipe', ...(opts.passFds ?? [])],
      }) as ChildProcessByStdio<Writable, Readable, Readable>;
    } catch (err) {
      resolve({ code: 127, stdout: '', stderr: err instanceof Error ? err.message : String(err), missing: false, timedOut });
      return;
    }
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      opts.timeoutMs ?? 10 * 60_000,
    );
    const onAbort = () => child.kill('SIGKILL');
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('exit', () => opts.signal?.removeEventListener('abort', onAbort));
    child.stdout.on('data', (b: Buffer) => {
      if (stdout.length < limit) stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < limit) stderr += b.toString('utf8');
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      const missing = 'code' in err && err.code === 'ENOENT';
      resolve({ code: 127, stdout, stderr: stderr + err.message, missing, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout,
        stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr,
        missing: false,
        timedOut,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a tool and throws `code` with its output tail when it fails. */
export async function must(code: ErrorCode, what: string, cmd: string, args: string[], timeoutMs?: number): Promise<ShResult> {
  const r = await sh(cmd, args, { timeoutMs });
  if (r.code !== 0) {
    throw new SeamlessError(code, `${what} failed: ${cmd} ${args.join(' ')} exited ${r.code}`, {
      evidence: tailOf(`${r.stdout}\n${r.stderr}`),
    });
  }
  return r;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
