// The known_hosts parser and matcher on real files written by ssh-keygen (fixtures/: keys made
// with `ssh-keygen -t ed25519`, hashed with `ssh-keygen -H`, fingerprints from `ssh-keygen -lf`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  entryMatchesHost,
  hashHostName,
  keyTypeOfBlob,
  parseKnownHosts,
  sha256Fingerprint,
} from '../../../electron/controller/ssh/knownHosts';

const fx = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const key = (n: 'a' | 'b' | 'c') => fx(`key_${n}.pub`).split(' ')[1]!;
const blob = (n: 'a' | 'b' | 'c') => Buffer.from(key(n), 'base64');

describe('known_hosts', () => {
  const plain = parseKnownHosts(fx('known_hosts.plain'), 'plain');
  const hashed = parseKnownHosts(fx('known_hosts.hashed'), 'hashed');

  it('parses entries, skips comments, blank and broken lines, and ignores @cert-authority', () => {
    expect(plain.map((e) => [e.line, e.marker, e.hosts])).toEqual([
      [3, null, 'web.example.com,192.0.2.10'],
      [4, null, '[web.example.com]:2222'],
      [5, null, '*.example.org,!evil.example.org'],
      [6, null, 'db?.example.net'],
      [7, 'revoked', '*'],
    ]);
    expect(plain[0]).toMatchObject({ keyType: 'ssh-ed25519', keyBase64: key('a'), comment: 'web', source: 'plain' });
  });

  it('matches plain names, comma lists, [host]:port, wildcards and negation', () => {
    const [web, web2222, wild, single] = plain;
    expect(entryMatchesHost(web!, 'web.example.com', 22)).toBe(true);
    expect(entryMatchesHost(web!, 'WEB.example.com', 22)).toBe(true);
    expect(entryMatchesHost(web!, '192.0.2.10', 22)).toBe(true);
    expect(entryMatchesHost(web!, 'web.example.com', 2222)).toBe(false);
    expect(entryMatchesHost(web2222!, 'web.example.com', 2222)).toBe(true);
    expect(entryMatchesHost(web2222!, 'web.example.com', 22)).toBe(false);
    expect(entryMatchesHost(wild!, 'a.example.org', 22)).toBe(true);
    expect(entryMatchesHost(wild!, 'evil.example.org', 22)).toBe(false);
    expect(entryMatchesHost(wild!, 'example.org', 22)).toBe(false);
    expect(entryMatchesHost(single!, 'db1.example.net', 22)).toBe(true);
    expect(entryMatchesHost(single!, 'db12.example.net', 22)).toBe(false);
  });

  it('matches hashed entries written by ssh-keygen -H, including [host]:port', () => {
    expect(checkHostKey(hashed, 'web.example.com', 22, 'ssh-ed25519', key('a')).status).toBe('match');
    expect(checkHostKey(hashed, 'web.example.com', 2222, 'ssh-ed25519', key('b')).status).toBe('match');
    expect(checkHostKey(hashed, 'web.example.com', 2222, 'ssh-ed25519', key('a')).status).toBe('mismatch');
    expect(checkHostKey(hashed, 'other.example.com', 22, 'ssh-ed25519', key('a')).status).toBe('unknown');
    const salt = Buffer.from(hashed[0]!.hosts.split('|')[2]!, 'base64');
    expect(hashHostName('web.example.com', salt)).toBe(hashed[0]!.hosts);
  });

  it('says match, mismatch (with the expected entries), revoked, or unknown', () => {
    expect(checkHostKey(plain, 'web.example.com', 22, 'ssh-ed25519', key('a'))).toMatchObject({ status: 'match', entry: { line: 3 } });
    const changed = checkHostKey(plain, 'web.example.com', 22, 'ssh-ed25519', key('b'));
    expect(changed).toMatchObject({ status: 'mismatch', expected: [{ line: 3, keyBase64: key('a') }] });
    // Key c is @revoked for every host: it is refused even where it is also listed as valid.
    expect(checkHostKey(plain, 'a.example.org', 22, 'ssh-ed25519', key('c'))).toMatchObject({ status: 'revoked', entry: { line: 7 } });
    expect(checkHostKey(plain, 'new.example.com', 22, 'ssh-ed25519', key('a'))).toEqual({ status: 'unknown', otherTypes: [] });
    expect(checkHostKey(plain, 'web.example.com', 22, 'ecdsa-sha2-nistp256', 'AAAA')).toMatchObject({
      status: 'unknown',
      otherTypes: [{ line: 3 }],
    });
  });

  it('prints fingerprints exactly as ssh-keygen -lf does', () => {
    for (const n of ['a', 'b', 'c'] as const) {
      expect(sha256Fingerprint(blob(n))).toBe(fx(`key_${n}.fingerprint`).trim());
      expect(keyTypeOfBlob(blob(n))).toBe('ssh-ed25519');
    }
  });
});
