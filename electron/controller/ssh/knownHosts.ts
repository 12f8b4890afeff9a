// Why: before Seamless sends a password or signs anything, it must know the server is the one
// the admin trusted. OpenSSH's known_hosts files are where that trust already lives, so this is a
// pure parser and matcher for their text, faithful to sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT":
// plain and hashed (`|1|salt|hash`, HMAC-SHA1) host patterns, `[host]:port` for ports other than
// 22, comma lists, negation `!`, wildcards `*` and `?`, and `@revoked` markers. No I/O here.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** Where the line came from (a file path), for messages that say which line to remove. */
  source: string;
  /** 1-based line number in `source`. */
  line: number;
  marker: 'revoked' | null;
  /** The host field as written: a comma list of patterns, or one hashed `|1|salt|hash` name. */
  hosts: string;
  keyType: string;
  keyBase64: string;
  comment: string;
}

export type HostKeyCheck =
  | { status: 'match'; entry: KnownHostEntry }
  | { status: 'mismatch'; expected: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** `otherTypes`: keys of other types known for this host (OpenSSH warns about these too). */
  | { status: 'unknown'; otherTypes: KnownHostEntry[] };

/** Parses known_hosts text. Lines that cannot be understood are skipped, as ssh(1) does. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      // @cert-authority lines hold a CA key that signs host certificates. Seamless (ssh2) does
      // not verify host certificates, so these lines can neither match nor refuse a plain host
      // key: they are ignored here rather than misread as a key for the host.
      if (m !== '@revoked') continue;
      marker = 'revoked';
    }
    const [hosts, keyType, keyBase64, ...rest] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) continue;
    if (!/^[A-Za-z0-9+/]+=*$/.test(keyBase64) || !blobHasType(keyBase64, keyType)) continue;
    entries.push({ source, line: i + 1, marker, hosts, keyType, keyBase64, comment: rest.join(' ') });
  }
  return entries;
}

function blobHasType(keyBase64: string, keyType: string): boolean {
  try {
    return keyTypeOfBlob(Buffer.from(keyBase64, 'base64')) === keyType;
  } catch {
    return false;
  }
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise (sshd(8)). */
export function hostLookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** `*` and `?` glob over the whole name, as OpenSSH's match_pattern(). */
export function matchPattern(name: string, pattern: string): boolean {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's').test(name);
}

/**
 * Does an entry's host field name this host? A negated pattern that matches wins over any
 * positive one (OpenSSH's match_hostname returns -1), so `*.example.com,!bad.example.com` works.
 */
export function entryMatchesHost(entry: Pick<KnownHostEntry, 'hosts'>, host: string, port: number): boolean {
  const name = hostLookupName(host, port);
  if (entry.hosts.startsWith('|1|')) return hashedMatches(entry.hosts, name);
  let positive = false;
  for (const raw of entry.hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern === '') continue;
    if (matchPattern(name, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4) return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = parts[3]!;
  const actual = createHmac('sha1', salt).update(name).digest('base64');
  return actual === expected;
}

/** Hashes a host name the way `ssh-keygen -H` does (for tests and for writing hashed entries). */
export function hashHostName(name: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/**
 * Decides what the known entries say about the key a server presents. Revocation is checked
 * first and wins over everything (sshd(8): a revoked key "must not ever be accepted").
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): HostKeyCheck {
  const forHost = entries.filter((e) => entryMatchesHost(e, host, port));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.keyBase64 === keyBase64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === null);
  const match = plain.find((e) => e.keyType === keyType && e.keyBase64 === keyBase64);
  if (match) return { status: 'match', entry: match };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length > 0) return { status: 'mismatch', expected: sameType };
  return { status: 'unknown', otherTypes: plain };
}

/** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -lf` prints it. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (RFC 4253 §6.6: string "ssh-…" first). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('host key blob too short');
  const len = keyBlob.readUInt32BE(0);
  if (len > 64 || 4 + len > keyBlob.length) throw new Error('host key blob has no valid type');
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/** One known_hosts line for a key (plain host name, as the app's own store writes them). */
export function formatKnownHostLine(host: string, port: number, keyType: string, keyBase64: string): string {
  return `${hostLookupName(host, port)} ${keyType} ${keyBase64}`;
}
