// Why: on TCG an SSH connection costs the guest about a second of its CPU (key exchange, sshd's
// re-exec, PAM and logind), and the lab's tests run hundreds of commands, many of them beside an
// upgrade being measured. One master connection per lab boot (OpenSSH's ControlMaster, started
// and owned here) carries them all as sessions. A command that finds no live master connects on
// its own, as every command did before; a master that stops answering (a kexec or a reset under
// it) is noticed by its keepalives and replaced by the next command.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sshArgs, type SshTarget } from './ssh.js';

interface Master {
  child: ChildProcess;
  dir: string;
  socket: string;
  target: string;
}

let master: Master | undefined;

/**
 * Keepalives of the master: 3 s × 5 unanswered, so a guest that kexecs or resets under it frees
 * the commands waiting on it within 15 s, while a guest busy restoring (sshd slow to answer, never
 * silent for 15 s) keeps it.
 */
const MASTER_OPTIONS = ['ServerAliveInterval=3', 'ServerAliveCountMax=5', 'ControlMaster=yes', 'ControlPersist=no'];

const key = (t: SshTarget): string => `${t.user}@${t.host}:${t.port}`;
const alive = (m: Master): boolean => m.child.exitCode === null && m.child.signalCode === null;

/**
 * The `-o` options that send a command through the lab's shared connection, or none when it is
 * not up yet (the command connects on its own; the master is started for the next ones).
 */
export function muxOptions(t: SshTarget): string[] {
  if (master && (master.target !== key(t) || !alive(master))) stopMux();
  if (!master) {
    startMaster(t);
    return [];
  }
  // ControlMaster=no: use the socket if it answers, else connect directly (never become a master).
  return existsSync(master.socket) ? ['ControlMaster=no', `ControlPath=${master.socket}`] : [];
}

/** A command through the master failed as ssh (255): the master may be the cause; the next command starts another. */
export function muxFailed(): void {
  stopMux();
}

/** Stops the shared connection (before a poweroff, when the lab goes down, when this process exits). */
export function stopMux(): void {
  const m = master;
  master = undefined;
  if (!m) return;
  if (alive(m)) m.child.kill('SIGTERM');
  rmSync(m.dir, { recursive: true, force: true });
}

function startMaster(t: SshTarget): void {
  // A short path: a unix socket's name has 108 bytes at most.
  const dir = mkdtempSync('/tmp/slab-');
  const socket = join(dir, 's');
  const options = [...MASTER_OPTIONS, `ControlPath=${socket}`, 'SessionType=none'];
  const child = spawn('ssh', sshArgs(t, { connectTimeoutSec: 10, options }), { stdio: 'ignore' });
  child.unref();
  const m: Master = { child, dir, socket, target: key(t) };
  child.on('error', () => undefined);
  child.on('exit', () => {
    if (master === m) master = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  master = m;
}

process.once('exit', stopMux);
