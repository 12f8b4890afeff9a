// A real sshd on 127.0.0.1; the controller logs in as a sudo user, becomes root with the sudo
// password, deploys the real agent and talks to it. Timings and sizes are printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSession, type SessionTransition } from '../../../electron/controller/ssh/session';
import {
  ensureTestUsersAndKeys,
  NO_SUDO_USER,
  SH_NOPASSWD_USER,
  startSshd,
  TEST_PASSWORD,
  TEST_USER,
  type TestSshd,
} from '../../helpers/sshd';
import { baseOptions, canRun, mib, newHostKeys, targetOf, uidOf } from './env';

describe.skipIf(!canRun)('SSH session to a real sshd', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('logs in with a password, becomes root with the sudo password, deploys once and reuses it', async () => {
    const keys = newHostKeys();
    let sudoAsked = 0;
    const options = baseOptions(keys, {
      methods: ['password'],
      promptPassword: async () => TEST_PASSWORD,
      promptSudoPassword: async () => {
        sudoAsked++;
        return TEST_PASSWORD;
      },
    });
    const states: SessionTransition[] = [];
    const first = await SshSession.open(targetOf(sshd, TEST_USER), options, (t) => states.push(t));
    try {
      expect(states.map((s) => s.to)).toEqual(['connecting', 'verifying-host-key', 'authenticating', 'deploying', 'ready']);
      expect(first.root!.mode).toBe('sudo-password');
      expect(first.deployed!.method).toBe('sftp');
      expect(first.hello!.buildHash).toBe(options.artifacts.bundle.sha256);
      // The agent runs as root (this sshd is on this machine, so its pid is ours to look at).
      expect(uidOf(first.hello!.pid)).toBe(0);
      const facts = await first.call('host.facts', {});
      expect(facts.hostname.length).toBeGreaterThan(0);
      const id = await first.execAsRoot('id -u');
      expect(id.stdout.trim().split('\n').pop()).toBe('0');
    } finally {
      await first.close();
    }
    const second = await SshSession.open(targetOf(sshd, TEST_USER), options);
    try {
      expect(second.deployed!.method).toBe('cached');
    } finally {
      await second.close();
    }
    expect(sudoAsked).toBe(2);
    console.log(
      `[measure] connect-to-ready on loopback (.cjs ${mib(options.artifacts.bundle.bytes)}): first ${first.timings!.totalMs} ms ` +
        `(connect ${first.timings!.connectMs}, deploy ${first.timings!.deployMs} incl. upload ${first.timings!.uploadMs}, attach ${first.timings!.attachMs}); ` +
        `cached ${second.timings!.totalMs} ms (connect ${second.timings!.connectMs}, deploy ${second.timings!.deployMs}, attach ${second.timings!.attachMs})`,
    );
  });

  it('as root with a key needs no sudo', async () => {
    const k = ensureTestUsersAndKeys();
    const session = await SshSession.open(targetOf(sshd, 'root', [k.plain]), baseOptions(newHostKeys()));
    try {
      expect(session.root!.mode).toBe('root');
      expect((await session.execAsRoot('id -u')).stdout.trim()).toBe('0');
    } finally {
      await session.close();
    }
  });

  it('a wrong sudo password is refused once, with SUDO_PASSWORD_WRONG', async () => {
    let asked = 0;
    const err = await SshSession.open(
      targetOf(sshd, TEST_USER),
      baseOptions(newHostKeys(), {
        methods: ['password'],
        promptPassword: async () => TEST_PASSWORD,
        promptSudoPassword: async () => {
          asked++;
          return 'not-the-password';
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SUDO_PASSWORD_WRONG' });
    expect(asked).toBe(1);
    expect(JSON.stringify(err)).not.toContain('not-the-password');
  });

  it('sudo that needs no password for /bin/sh is used without one: no password line can reach the agent', async () => {
    let asked = 0;
    const session = await SshSession.open(
      targetOf(sshd, SH_NOPASSWD_USER),
      baseOptions(newHostKeys(), {
        methods: ['password'],
        promptPassword: async () => TEST_PASSWORD,
        promptSudoPassword: async () => {
          asked++;
          return TEST_PASSWORD;
        },
      }),
    );
    try {
      expect(session.root!.mode).toBe('sudo-nopasswd');
      expect(asked).toBe(0);
      expect((await session.execAsRoot('id -u')).stdout.trim().split('\n').at(-1)).toBe('0');
    } finally {
      await session.close();
    }
  });

  it('a user without sudo rights gets SUDO_REQUIRED saying what to configure', async () => {
    const err = await SshSession.open(
      targetOf(sshd, NO_SUDO_USER),
      baseOptions(newHostKeys(), {
        methods: ['password'],
        promptPassword: async () => TEST_PASSWORD,
        promptSudoPassword: async () => TEST_PASSWORD,
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SUDO_REQUIRED' });
    expect((err as Error).message).toContain('/etc/sudoers.d/');
  });
});
