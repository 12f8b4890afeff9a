// Test helper: a real OpenSSH sshd (never a mock) on 127.0.0.1 and a random free port, with its
// own host key, config, authorized_keys and log in a temp dir, plus the system users the SSH
// tests log in as. Needs root (it creates users and a sudoers drop-in) and /usr/sbin/sshd.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';
/** Has sudo rights, with a password. Its ~/.bashrc prints noise, as real ones do. */
export const TEST_USER = 'seamless-t';
export const TEST_PASSWORD = 'seamless-test-pw-7f3a';
/** Can log in, but has no sudo rights. */
export const NO_SUDO_USER = 'seamless-n';
/** sudo asks its password for everything but /bin/sh, which it may run without one. */
export const SH_NOPASSWD_USER = 'seamless-s';
export const KEY_PASSPHRASE = 'correct horse battery';

export function sshAvailable(): boolean {
  return existsSync(SSHD) && process.getuid?.() === 0 && existsSync('/usr/bin/ssh-keygen');
}

export interface TestKeys {
  dir: string;
  /** Unencrypted ed25519 key, authorized for all test users and root. */
  plain: string;
  /** Passphrase-protected ed25519 key (KEY_PASSPHRASE), authorized likewise. */
  encrypted: string;
  /** A key that no authorized_keys file lists. */
  stranger: string;
}

let keys: TestKeys | null = null;

function keygen(path: string, passphrase: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'seamless-test', '-f', path]);
}

/** Creates (once per process) the client keys, and the users and sudoers entry (once per machine). */
export function ensureTestUsersAndKeys(): TestKeys {
  if (keys) return keys;
  for (const user of [TEST_USER, NO_SUDO_USER, SH_NOPASSWD_USER]) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', user]);
    }
    execFileSync('chpasswd', { input: `${user}:${TEST_PASSWORD}\n` });
    // A login shell that talks: the deploy and agent code must not be confused by it.
    const bashrc = join('/home', user, '.bashrc');
    const noise = 'echo "seamless-test: hello from .bashrc"\n';
    const current = existsSync(bashrc) ? readFileSync(bashrc, 'utf8') : '';
    if (!current.startsWith(noise)) writeFileSync(bashrc, noise + current);
  }
  mkdirSync('/etc/sudoers.d', { recursive: true });
  writeFileSync(
    '/etc/sudoers.d/seamless-test',
    `${TEST_USER} ALL=(ALL:ALL) ALL\n${SH_NOPASSWD_USER} ALL=(ALL:ALL) ALL, NOPASSWD: /bin/sh\n`,
    { mode: 0o440 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'seamless-ssh-keys-'));
  keys = { dir, plain: join(dir, 'id_plain'), encrypted: join(dir, 'id_encrypted'), stranger: join(dir, 'id_stranger') };
  keygen(keys.plain, '');
  keygen(keys.encrypted, KEY_PASSPHRASE);
  keygen(keys.stranger, '');
  return keys;
}

export interface SshdOptions {
  /** `Subsystem sftp internal-sftp` (default true). */
  sftp?: boolean;
  passwordAuthentication?: boolean;
  kbdInteractiveAuthentication?: boolean;
  /** Reuse a host key (to restart "the same" server), else a new ed25519 key is made. */
  hostKey?: string;
  extraConfig?: string;
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  hostKeyPath: string;
  /** What `ssh-keygen -lf` prints for the host key: "SHA256:…". */
  fingerprint: string;
  /** The public key line of the host key ("ssh-ed25519 AAAA… comment"). */
  publicKey: string;
  pid: number;
  /** sshd's log so far (LogLevel VERBOSE). */
  log(): string;
  /** Processes below the listener: the per-connection sshd processes and what they started. */
  connectionPids(): number[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Every descendant of `pid` (from /proc), deepest last. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function waitForBanner(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        if (d.toString().startsWith('SSH-')) resolve();
        else reject(new Error(`unexpected banner ${d.toString()}`));
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const k = ensureTestUsersAndKeys();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'seamless-sshd-'));
  chmodSync(dir, 0o755);
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  if (options.hostKey) {
    writeFileSync(hostKeyPath, readFileSync(options.hostKey), { mode: 0o600 });
    writeFileSync(`${hostKeyPath}.pub`, readFileSync(`${options.hostKey}.pub`));
  } else execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', hostKeyPath]);
  const authDir = join(dir, 'authorized_keys');
  mkdirSync(authDir, { mode: 0o755 });
  const authorized = [k.plain, k.encrypted].map((p) => readFileSync(`${p}.pub`, 'utf8').trim()).join('\n') + '\n';
  for (const user of [TEST_USER, NO_SUDO_USER, 'root']) writeFileSync(join(authDir, user), authorized, { mode: 0o644 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authDir}/%u`,
    'StrictModes no',
    'UsePAM yes',
    `PasswordAuthentication ${options.passwordAuthentication === false ? 'no' : 'yes'}`,
    `KbdInteractiveAuthentication ${options.kbdInteractiveAuthentication ? 'yes' : 'no'}`,
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'LogLevel VERBOSE',
    'AllowTcpForwarding yes',
    'PrintMotd yes',
    'MaxAuthTries 10',
    ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    options.extraConfig ?? '',
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${config}\n`);
  execFileSync(SSHD, ['-t', '-f', configPath]);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForBanner(port, 10_000);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${hostKeyPath}.pub`])
    .toString()
    .split(' ')[1]!;
  return {
    host: '127.0.0.1',
    port,
    dir,
    hostKeyPath,
    fingerprint,
    publicKey: readFileSync(`${hostKeyPath}.pub`, 'utf8').trim(),
    pid: child.pid!,
    log: () => log,
    connectionPids: () => descendants(child.pid!),
    async stop() {
      const below = descendants(child.pid!);
      for (const pid of below.reverse()) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
