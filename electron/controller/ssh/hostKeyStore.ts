// Why: trust in a host key must be decided once, by a human, and then remembered, and a changed
// key must stop the connection before any credential leaves this machine. This is the app's own
// known_hosts file (so Seamless never rewrites the user's ~/.ssh/known_hosts), read together
// with the user's file (so hosts the admin already trusts with ssh(1) are trusted here too), and
// the verifier that ssh2 calls during key exchange, before authentication starts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, renameSync, writeSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SeamlessError } from '../../../shared/errors';
import {
  checkHostKey,
  formatKnownHostLine,
  hostLookupName,
  keyTypeOfBlob,
  parseKnownHosts,
  sha256Fingerprint,
  type HostKeyCheck,
  type KnownHostEntry,
} from './knownHosts';

export interface HostKeyQuestion {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it, to compare with what the admin sees on the host. */
  fingerprint: string;
  /** Keys of other types already trusted for this host (a reason to be suspicious). */
  otherKnownTypes: string[];
}

export interface HostKeyPolicy {
  /** Asks a human whether to trust an unknown key (UI dialog, CLI prompt). True = trust and remember. */
  confirmHostKey?: (question: HostKeyQuestion) => Promise<boolean>;
  /** Trust an unknown key without asking, only if it has exactly this fingerprint (`SHA256:…`). */
  acceptHostKey?: string;
}

export interface HostKeyStoreOptions {
  /** Seamless's config directory; default `$XDG_CONFIG_HOME/seamless` or `~/.config/seamless`. */
  configDir?: string;
  /** The user's OpenSSH file, read only; default `~/.ssh/known_hosts`; null to ignore it. */
  userKnownHostsPath?: string | null;
}

export function defaultConfigDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'seamless');
}

export class HostKeyStore {
  readonly path: string;
  readonly userPath: string | null;
  private writing: Promise<void> = Promise.resolve();

  constructor(options: HostKeyStoreOptions = {}) {
    this.path = join(options.configDir ?? defaultConfigDir(), 'known_hosts');
    this.userPath = options.userKnownHostsPath === undefined ? join(homedir(), '.ssh', 'known_hosts') : options.userKnownHostsPath;
  }

  /** All entries from both files; a missing file is simply empty. */
  entries(): KnownHostEntry[] {
    const files = [this.path, ...(this.userPath ? [this.userPath] : [])];
    return files.flatMap((file) => {
      try {
        return parseKnownHosts(readFileSync(file, 'utf8'), file);
      } catch {
        return [];
      }
    });
  }

  check(host: string, port: number, keyBlob: Buffer): HostKeyCheck {
    return checkHostKey(this.entries(), host, port, keyTypeOfBlob(keyBlob), keyBlob.toString('base64'));
  }

  /** Appends a key to the app's file: written to a temp file (0600), fsynced, renamed over. */
  accept(host: string, port: number, keyBlob: Buffer): Promise<void> {
    const line = formatKnownHostLine(host, port, keyTypeOfBlob(keyBlob), keyBlob.toString('base64'));
    const run = this.writing.then(() => this.appendAtomically(line));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private appendAtomically(line: string): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    let current = '';
    try {
      current = readFileSync(this.path, 'utf8');
    } catch {
      current = '# Host keys trusted by Seamless (OpenSSH known_hosts format).\n';
    }
    if (current !== '' && !current.endsWith('\n')) current += '\n';
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, `${current}${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(tmp, this.path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Decides whether a presented key is trusted; throws HOST_KEY_CHANGED / HOST_KEY_REVOKED /
   * HOST_KEY_REJECTED otherwise. An unknown key is trusted only by the caller's confirmation or
   * an explicit matching fingerprint, and then remembered. There is deliberately no "trust all".
   */
  async verify(
    host: string,
    port: number,
    keyBlob: Buffer,
    policy: HostKeyPolicy,
    onAsk?: <T>(p: Promise<T>) => Promise<T>,
  ): Promise<void> {
    const keyType = keyTypeOfBlob(keyBlob);
    const fingerprint = sha256Fingerprint(keyBlob);
    const name = hostLookupName(host, port);
    const result = this.check(host, port, keyBlob);
    switch (result.status) {
      case 'match':
        return;
      case 'revoked':
        throw new SeamlessError(
          'HOST_KEY_REVOKED',
          `The host key of ${name} (${keyType} ${fingerprint}) is marked @revoked in ${where(result.entry)}. Seamless will not connect with it; ask the host's admin for its new key.`,
          { details: { host, port, keyType, fingerprint, file: result.entry.source, line: result.entry.line } },
        );
      case 'mismatch': {
        const old = result.expected.map((e) => `${fingerprintOfEntry(e)} (${where(e)})`).join(', ');
        throw new SeamlessError(
          'HOST_KEY_CHANGED',
          `The host key of ${name} has changed: it was ${old}, and the server now presents ${keyType} ${fingerprint}. ` +
            `Someone may be intercepting the connection, or the host was reinstalled. Nothing was sent. ` +
            `If the change is expected, check the new fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), ` +
            `remove the old line (ssh-keygen -R '${name}' -f ${result.expected[0]!.source}) and connect again.`,
          {
            details: {
              host,
              port,
              keyType,
              fingerprint,
              old: result.expected.map((e) => ({ fingerprint: fingerprintOfEntry(e), file: e.source, line: e.line })),
            },
          },
        );
      }
      case 'unknown': {
        const question: HostKeyQuestion = {
          host,
          port,
          keyType,
          fingerprint,
          otherKnownTypes: [...new Set(result.otherTypes.map((e) => e.keyType))],
        };
        let trusted = false;
        if (policy.acceptHostKey !== undefined) {
          if (policy.acceptHostKey !== fingerprint) {
            throw new SeamlessError(
              'HOST_KEY_REJECTED',
              `The host key of ${name} is ${keyType} ${fingerprint}, not the ${policy.acceptHostKey} you said to accept. Nothing was sent; check the fingerprint on the host.`,
              { details: { ...question } },
            );
          }
          trusted = true;
        } else if (policy.confirmHostKey) {
          const ask = policy.confirmHostKey(question);
          trusted = await (onAsk ? onAsk(ask) : ask);
        }
        if (!trusted) {
          throw new SeamlessError(
            'HOST_KEY_REJECTED',
            policy.confirmHostKey
              ? `The host key of ${name} (${keyType} ${fingerprint}) was not accepted, so Seamless did not connect.`
              : `The host key of ${name} (${keyType} ${fingerprint}) is not known. Confirm it, or pass its fingerprint to accept it.`,
            { details: { ...question } },
          );
        }
        await this.accept(host, port, keyBlob);
        return;
      }
    }
  }
}

function where(e: KnownHostEntry): string {
  return `${e.source} line ${e.line}`;
}

function fingerprintOfEntry(e: KnownHostEntry): string {
  return `${e.keyType} ${sha256Fingerprint(Buffer.from(e.keyBase64, 'base64'))}`;
}

/**
 * ssh2's `hostVerifier` in its asynchronous form (key, callback): ssh2 waits for the callback
 * before it continues the key exchange, so nothing (no user name, no key, no password) is sent
 * until the key is trusted. The refusal's reason is handed to `onRefused` for the caller to throw.
 */
export function makeHostVerifier(
  store: HostKeyStore,
  host: string,
  port: number,
  policy: HostKeyPolicy,
  hooks: { onRefused: (err: SeamlessError) => void; onStart?: () => void; onAsk?: <T>(p: Promise<T>) => Promise<T> },
): (key: Buffer, verify: (valid: boolean) => void) => void {
  return (key, verify) => {
    hooks.onStart?.();
    store.verify(host, port, key, policy, hooks.onAsk).then(
      () => verify(true),
      (err: unknown) => {
        hooks.onRefused(
          err instanceof SeamlessError
            ? err
            : new SeamlessError('HOST_KEY_REJECTED', `Could not check the host key of ${hostLookupName(host, port)}: ${String(err)}`),
        );
        verify(false);
      },
    );
  };
}
