// Why: the lab pins its guest's SSH host key at build time: the host key pair
// is generated on the host and written into the image, so the first connection
// is already verified. This module makes keys and reads their fingerprints.
import { readFileSync } from 'node:fs';
import { runOk } from './run.js';

/** A new ed25519 key pair without passphrase at `path` (and `path`.pub). */
export async function generateEd25519(path: string, comment: string): Promise<void> {
  await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** "256 SHA256:abc... comment (ED25519)" -> "SHA256:abc...". */
export function parseFingerprint(keygenOutput: string): string | undefined {
  const m = /^\d+\s+(SHA256:[A-Za-z0-9+/=]+)\s/m.exec(keygenOutput);
  return m?.[1];
}

export async function fingerprintOf(pubPath: string): Promise<string> {
  const r = await runOk('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath]);
  const fp = parseFingerprint(r.stdout);
  if (fp === undefined) throw new Error(`cannot read a fingerprint from: ${r.stdout}`);
  return fp;
}

/** The public key line without its comment: "ssh-ed25519 AAAA...". */
export function publicKeyLine(pubPath: string): string {
  return keyTypeAndBlob(readFileSync(pubPath, 'utf8'));
}

export function keyTypeAndBlob(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not an OpenSSH public key line: ${line}`);
  return `${type} ${blob}`;
}

/** A known_hosts line for 127.0.0.1 on a non-standard port. */
export function knownHostsLine(host: string, port: number, key: string): string {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return `${name} ${keyTypeAndBlob(key)}\n`;
}
