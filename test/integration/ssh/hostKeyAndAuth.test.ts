// Trust and login against a real sshd: the first connection asks with the fingerprint that
// ssh-keygen prints and remembers; a changed key refuses before any credential is sent; failed
// logins list what was tried, and sshd's own log shows each method was tried exactly once.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type ConnectOptions } from '../../../electron/controller/ssh/connect';
import type { HostKeyQuestion } from '../../../electron/controller/ssh/hostKeyStore';
import {
  ensureTestUsersAndKeys,
  KEY_PASSPHRASE,
  startSshd,
  TEST_PASSWORD,
  TEST_USER,
  type TestKeys,
  type TestSshd,
} from '../../helpers/sshd';
import { canRun, logLines, newHostKeys, targetOf } from './env';

function fingerprintOfKeyFile(path: string): string {
  return execFileSync('ssh-keygen', ['-lf', path]).toString().split(' ')[1]!;
}

describe.skipIf(!canRun)('host keys and authentication against a real sshd', () => {
  let sshd: TestSshd;
  let kbd: TestSshd;
  let keys: TestKeys;
  beforeAll(async () => {
    keys = ensureTestUsersAndKeys();
    [sshd, kbd] = await Promise.all([startSshd(), startSshd({ kbdInteractiveAuthentication: true })]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), kbd?.stop()]);
  });

  const opts = (extra: Partial<ConnectOptions>): ConnectOptions => ({
    hostKeys: newHostKeys(),
    agentSocket: null,
    confirmHostKey: async () => true,
    readyTimeoutMs: 10_000,
    ...extra,
  });

  it('asks on first contact with the fingerprint ssh-keygen -lf prints, remembers it, and does not ask again', async () => {
    const hostKeys = newHostKeys();
    const asked: HostKeyQuestion[] = [];
    const o = opts({ hostKeys, confirmHostKey: async (q) => (asked.push(q), true) });
    const first = await connectSsh(targetOf(sshd, TEST_USER, [keys.plain]), o);
    first.close();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.fingerprint });
    expect(asked[0]!.fingerprint).toBe(fingerprintOfKeyFile(`${sshd.hostKeyPath}.pub`));
    // The store is an OpenSSH known_hosts file: ssh-keygen finds the entry in it.
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', hostKeys.path]).toString();
    expect(found).toContain(sshd.publicKey.split(' ')[1]);
    const second = await connectSsh(targetOf(sshd, TEST_USER, [keys.plain]), o);
    second.close();
    expect(asked).toHaveLength(1);
  });

  it('accepts an unknown key given by fingerprint only when it is that key', async () => {
    const ok = await connectSsh(
      targetOf(sshd, TEST_USER, [keys.plain]),
      opts({ confirmHostKey: undefined, acceptHostKey: sshd.fingerprint }),
    );
    ok.close();
    await expect(
      connectSsh(
        targetOf(sshd, TEST_USER, [keys.plain]),
        opts({ confirmHostKey: undefined, acceptHostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      ),
    ).rejects.toMatchObject({ code: 'HOST_KEY_REJECTED' });
  });

  it('refuses a changed host key with HOST_KEY_CHANGED, naming both fingerprints and the line, and sends no credential', async () => {
    const hostKeys = newHostKeys();
    const other = join(mkdtempSync(join(tmpdir(), 'seamless-otherkey-')), 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const oldKey = readFileSync(`${other}.pub`, 'utf8').split(' ')[1]!;
    writeFileSync(hostKeys.path.replace(/known_hosts$/, '') + 'known_hosts', `# test\n[127.0.0.1]:${sshd.port} ssh-ed25519 ${oldKey}\n`);
    let prompted = 0;
    const before = logLines(sshd, new RegExp(`(Accepted|Failed|Postponed) .* for ${TEST_USER}`)).length;
    const err = await connectSsh(
      targetOf(sshd, TEST_USER, [keys.encrypted]),
      opts({
        hostKeys,
        methods: ['key', 'password'],
        promptPassword: async () => (prompted++, TEST_PASSWORD),
        promptPassphrase: async () => (prompted++, KEY_PASSPHRASE),
        confirmHostKey: async () => (prompted++, true),
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOST_KEY_CHANGED' });
    const message = (err as Error).message;
    expect(message).toContain(fingerprintOfKeyFile(`${other}.pub`));
    expect(message).toContain(sshd.fingerprint);
    expect(message).toContain(`${hostKeys.path} line 2`);
    expect(prompted).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(logLines(sshd, new RegExp(`(Accepted|Failed|Postponed) .* for ${TEST_USER}`)).length).toBe(before);
  });

  it('refuses a revoked key with HOST_KEY_REVOKED', async () => {
    const hostKeys = newHostKeys();
    writeFileSync(hostKeys.path, `@revoked * ${sshd.publicKey}\n`);
    await expect(connectSsh(targetOf(sshd, TEST_USER, [keys.plain]), opts({ hostKeys }))).rejects.toMatchObject({
      code: 'HOST_KEY_REVOKED',
    });
  });

  it('a wrong password gives AUTH_FAILED listing what was tried; sshd saw exactly one password attempt', async () => {
    const before = logLines(sshd, /Failed password for seamless-t/).length;
    let asked = 0;
    const err = await connectSsh(
      targetOf(sshd, TEST_USER, [keys.stranger]),
      opts({ agentSocket: null, promptPassword: async () => (asked++, 'wrong-password') }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    const message = (err as Error).message;
    expect(message).toContain('agent: no SSH_AUTH_SOCK');
    expect(message).toMatch(/key .*id_stranger: refused by server/);
    expect(message).toContain('keyboard-interactive: not offered by the server');
    expect(message).toContain('password: wrong password');
    expect(asked).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(logLines(sshd, /Failed password for seamless-t/).length - before).toBe(1);
  });

  it('a wrong key gives AUTH_FAILED; sshd saw that key exactly once', async () => {
    const fp = fingerprintOfKeyFile(`${keys.stranger}.pub`);
    const before = logLines(sshd, new RegExp(`Failed publickey for seamless-t .*${fp.replace(/[+/]/g, '\\$&')}`)).length;
    const err = await connectSsh(targetOf(sshd, TEST_USER, [keys.stranger]), opts({ methods: ['agent', 'key'] })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    expect((err as { details: { attempts: unknown[] } }).details.attempts).toEqual([
      { method: 'agent', result: 'skipped', reason: 'no SSH_AUTH_SOCK' },
      { method: expect.stringContaining('id_stranger'), result: 'refused', reason: 'refused by server' },
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(logLines(sshd, new RegExp(`Failed publickey for seamless-t .*${fp.replace(/[+/]/g, '\\$&')}`)).length - before).toBe(1);
  });

  it('keyboard-interactive (PAM) with a wrong password: one attempt, and the password method is not tried with it again', async () => {
    const before = logLines(kbd, /Failed (keyboard-interactive|password)/).length;
    let asked = 0;
    const err = await connectSsh(
      targetOf(kbd, TEST_USER, []),
      opts({ methods: ['keyboard-interactive', 'password'], promptPassword: async () => (asked++, 'nope') }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    expect((err as Error).message).toContain('password: not tried');
    expect(asked).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    const lines = logLines(kbd, /Failed (keyboard-interactive|password)/).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Failed keyboard-interactive/pam for seamless-t');
  });

  it('an encrypted key asks its passphrase once and logs in; a wrong passphrase is not retried', async () => {
    const asked: string[] = [];
    const ok = await connectSsh(
      targetOf(sshd, TEST_USER, [keys.encrypted]),
      opts({ promptPassphrase: async (p) => (asked.push(p), KEY_PASSPHRASE) }),
    );
    ok.close();
    expect(asked).toEqual([keys.encrypted]);
    const wrong = await connectSsh(
      targetOf(sshd, TEST_USER, [keys.encrypted]),
      opts({ methods: ['key'], promptPassphrase: async (p) => (asked.push(p), 'bad') }),
    ).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'AUTH_FAILED' });
    expect((wrong as Error).message).toMatch(/id_encrypted: wrong passphrase/);
    expect(asked).toHaveLength(2);
  });

  it('uses keys held by a real ssh-agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamless-agent-sock-'));
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('ssh-add', [keys.plain], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const conn = await connectSsh(targetOf(sshd, TEST_USER, [keys.stranger]), opts({ agentSocket: sock }));
      conn.close();
    } finally {
      agent.kill();
    }
  });

  it('an unreachable port gives CONNECT_FAILED with the OS error', async () => {
    await expect(connectSsh({ ...targetOf({ port: 1 }, TEST_USER) }, opts({}))).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
