// `seamless facts --host user@127.0.0.1:PORT` with a password login and a sudo password, typed
// at the terminal prompts as an admin would (through a real pty: script(1)); the secrets are
// not echoed, and the facts come from the agent running as root.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seamlessBin } from '../../helpers/run';
import { ensureTestUsersAndKeys, startSshd, TEST_PASSWORD, TEST_USER, type TestSshd } from '../../helpers/sshd';

let sshd: TestSshd;

beforeAll(async () => {
  ensureTestUsersAndKeys();
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** Runs a command on a pty, answering each prompt that matches with the given line. */
function onPty(command: string, env: NodeJS.ProcessEnv, answers: [RegExp, string][]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env });
    let output = '';
    const pending = [...answers];
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      const next = pending[0];
      if (next && next[0].test(output)) {
        pending.shift();
        output += '⏎';
        child.stdin.write(`${next[1]}\r`);
      }
    });
    const timer = setTimeout(() => child.kill(), 40_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, output })));
  });
}

describe('seamless CLI: password and sudo at the terminal', () => {
  it('asks for the host key, the login password and the sudo password, echoing no secret', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seamless-cli-pw-'));
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), SSH_AUTH_SOCK: '' };
    const target = `${TEST_USER}@127.0.0.1:${sshd.port}`;
    const { code, output } = await onPty(`${process.execPath} ${seamlessBin} facts --host ${target} --json`, env, [
      [/\(yes\/no\)\? /, 'yes'],
      [/'s password: /, TEST_PASSWORD],
      [/\[sudo\] password for /, TEST_PASSWORD],
    ]);
    expect(output).toContain(sshd.fingerprint);
    expect(output).not.toContain(TEST_PASSWORD);
    expect(code).toBe(0);
    const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
    expect((JSON.parse(json) as { hostname: string }).hostname).toBe(hostname());
  });
});
