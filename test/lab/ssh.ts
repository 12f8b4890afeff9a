// Why: every way into the guest (up's readiness probe, status, exec, the
// interactive `ssh` command) uses the system OpenSSH client with the lab key and
// the host key pinned at build time (StrictHostKeyChecking=yes): a guest that
// presents another key is an error, never "accept and continue".
import { run, type RunResult } from './run.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  keyPath: string;
  knownHostsPath: string;
}

export interface SshArgOptions {
  connectTimeoutSec?: number;
  /** Force a pseudo-terminal (interactive use). */
  tty?: boolean;
  /** More `-o` options; they win over the defaults (the shared connection's). */
  options?: readonly string[];
}

export function sshArgs(t: SshTarget, opts: SshArgOptions = {}, command?: string): string[] {
  // ssh takes the first value given for an option: the caller's come before the defaults.
  const args = [
    ...(opts.options ?? []).flatMap((o) => ['-o', o]),
    '-i',
    t.keyPath,
    '-p',
    String(t.port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${t.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${opts.connectTimeoutSec ?? 10}`,
    '-o',
    'ServerAliveInterval=10',
    '-o',
    'ServerAliveCountMax=6',
    '-o',
    'LogLevel=ERROR',
  ];
  if (opts.tty) args.push('-t');
  args.push(`${t.user}@${t.host}`);
  if (command !== undefined) args.push('--', command);
  return args;
}

/** Quote words for the remote POSIX shell (ssh sends one string). */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export type SshProbe = 'ok' | 'not-yet' | 'host-key-mismatch' | 'auth-failed';

/**
 * What a failed probe means. While the guest boots, QEMU's port forward accepts
 * TCP before sshd listens, so resets, closed connections and banner timeouts
 * mean "not yet"; a wrong host key or a refused key will not get better.
 */
export function classifySshFailure(stderr: string): SshProbe {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (?:ED25519 )?host key is known/i.test(stderr)) {
    return 'host-key-mismatch';
  }
  if (/Permission denied \(publickey/i.test(stderr)) return 'auth-failed';
  return 'not-yet';
}

export function sshRun(
  t: SshTarget,
  command: string,
  opts: { timeoutMs?: number; input?: string; connectTimeoutSec?: number; options?: readonly string[] } = {},
): Promise<RunResult> {
  return run('ssh', sshArgs(t, { connectTimeoutSec: opts.connectTimeoutSec ?? 10, options: opts.options }, command), {
    timeoutMs: opts.timeoutMs ?? 600_000,
    input: opts.input ?? '',
  });
}
