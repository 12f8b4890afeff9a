// `seamless facts --host …` against a real sshd, as an admin would run it: an unknown host key
// is refused without a terminal (and names the fingerprint to accept), accepted with
// --accept-host-key when it matches, remembered afterwards; login by key from ~/.ssh/config.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeamless } from '../../helpers/run';
import { ensureTestUsersAndKeys, startSshd, type TestSshd } from '../../helpers/sshd';

let sshd: TestSshd;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sshd = await startSshd();
  const keys = ensureTestUsersAndKeys();
  // A private HOME: its ~/.ssh/config names the host, and Seamless's own store starts empty.
  const home = mkdtempSync(join(tmpdir(), 'seamless-cli-home-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(
    join(home, '.ssh', 'config'),
    `Host testbox\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${keys.plain}\n`,
  );
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), SSH_AUTH_SOCK: '' };
});
afterAll(async () => {
  await sshd?.stop();
});

describe('seamless CLI over SSH', () => {
  it('refuses an unknown host key without a terminal, naming the fingerprint to check', async () => {
    const r = await runSeamless(['facts', '--host', 'testbox'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HOST_KEY_REJECTED');
    expect(r.stderr).toContain(sshd.fingerprint);
    expect(r.stdout).toBe('');
    // With --json the same refusal is one JSON object on stdout, for a script to branch on.
    const j = await runSeamless(['facts', '--host', 'testbox', '--json'], env);
    expect(j.code).toBe(1);
    const { error } = JSON.parse(j.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('HOST_KEY_REJECTED');
    expect(error.message).toContain(sshd.fingerprint);
  });

  it('refuses --accept-host-key with another fingerprint', async () => {
    const r = await runSeamless(['facts', '--host', 'testbox', '--accept-host-key', `SHA256:${'A'.repeat(43)}`], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HOST_KEY/);
  });

  it('accepts the matching fingerprint, logs in with the key, and prints the host facts', async () => {
    const r = await runSeamless(['facts', '--host', 'testbox', '--accept-host-key', sshd.fingerprint, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The sshd runs on this machine: same kernel, same hostname.
    const facts = JSON.parse(r.stdout) as { hostname: string; kernel: { release: string } };
    expect(facts.hostname).toBe(hostname());
  });

  it('remembers the accepted key: the next run needs no flag', async () => {
    const r = await runSeamless(['inventory', '--host', 'testbox'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/WORKLOAD\s+KIND/);
  });
});
