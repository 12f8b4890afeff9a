// Deploying the agent to a real sshd: without SFTP (cat over exec), without Node on the target's
// PATH (the self-contained executable), and a broken agent that must give a clean error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeBundle } from '../../helpers/fakeAgent';
import { SshSession } from '../../../electron/controller/ssh/session';
import { ensureTestUsersAndKeys, startSshd, TEST_PASSWORD, TEST_USER, type TestSshd } from '../../helpers/sshd';
import { baseOptions, bundleOnly, canRun, mib, newHostKeys, targetOf, uidOf, withExecutable } from './env';

describe.skipIf(!canRun)('agent deployment over SSH (real sshd)', () => {
  let sshd: TestSshd;
  let noSftp: TestSshd;
  beforeAll(async () => {
    [sshd, noSftp] = await Promise.all([startSshd(), startSshd({ sftp: false })]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), noSftp?.stop()]);
  });

  it('falls back to cat over an exec channel when SFTP is disabled (sudo with password)', async () => {
    const session = await SshSession.open(
      targetOf(noSftp, TEST_USER),
      baseOptions(newHostKeys(), {
        methods: ['password'],
        promptPassword: async () => TEST_PASSWORD,
        promptSudoPassword: async () => TEST_PASSWORD,
      }),
    );
    try {
      expect(session.deployed!.method).toBe('cat');
      expect(session.hello!.buildHash).toBe(bundleOnly().bundle.sha256);
      expect(uidOf(session.hello!.pid)).toBe(0);
    } finally {
      await session.close();
    }
  });

  it('without Node on the target PATH, deploys and runs the self-contained executable (and reuses it)', async () => {
    const k = ensureTestUsersAndKeys();
    const artifacts = await withExecutable();
    const exe = artifacts.executable!;
    const options = baseOptions(newHostKeys(), { artifacts, nodeSearchPath: '/nonexistent' });
    const first = await SshSession.open(targetOf(sshd, 'root', [k.plain]), options);
    let firstTimings;
    try {
      expect(first.deployed!.kind).toBe('executable');
      expect(first.deployed!.platform.node).toBeNull();
      expect(first.hello!.buildHash).toBe(exe.sha256);
      expect((await first.call('host.facts', {})).hostname.length).toBeGreaterThan(0);
      firstTimings = first.timings!;
    } finally {
      await first.close();
    }
    const second = await SshSession.open(targetOf(sshd, 'root', [k.plain]), options);
    try {
      expect(second.deployed!.method).toBe('cached');
      console.log(
        `[measure] agent sizes: .cjs ${mib(artifacts.bundle.bytes)} (${artifacts.bundle.bytes} B), executable ${mib(exe.bytes)} (${statSync(exe.path).size} B); ` +
          `executable connect-to-ready: first ${firstTimings.totalMs} ms (upload ${firstTimings.uploadMs} ms via ${firstTimings.deployMethod}), cached ${second.timings!.totalMs} ms`,
      );
    } finally {
      await second.close();
    }
  }, 180_000);

  it('a node the login user could replace is never run as root: the self-contained executable is used instead', async () => {
    const k = ensureTestUsersAndKeys();
    // ~/bin/node of the login user: answers --version like Node, and would leave a mark if root ran it.
    const bin = `/home/${TEST_USER}/bin-${Date.now()}`;
    const marker = join(bin, 'ran-as-root');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\nif [ "$1" = --version ]; then echo v20.11.0; exit 0; fi\n[ "$(id -u)" = 0 ] && touch ${marker}\nexec /usr/bin/node "$@"\n`,
      {
        mode: 0o755,
      },
    );
    execFileSync('chown', ['-R', `${TEST_USER}:${TEST_USER}`, bin]);
    const artifacts = await withExecutable();
    const session = await SshSession.open(
      targetOf(sshd, TEST_USER, [k.plain]),
      baseOptions(newHostKeys(), {
        artifacts,
        nodeSearchPath: bin,
        methods: ['key'],
        promptSudoPassword: async () => TEST_PASSWORD,
      }),
    );
    try {
      expect(session.deployed!.platform.node?.path).toBe(join(bin, 'node'));
      expect(session.deployed!.kind).toBe('executable');
      expect(session.deployed!.runCommand).not.toContain(bin);
      expect(uidOf(session.hello!.pid)).toBe(0);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await session.close();
      rmSync(bin, { recursive: true, force: true });
    }
  }, 180_000);

  it('without Node and without the executable, says what to install (AGENT_NO_RUNTIME)', async () => {
    const k = ensureTestUsersAndKeys();
    const err = await SshSession.open(
      targetOf(sshd, 'root', [k.plain]),
      baseOptions(newHostKeys(), { nodeSearchPath: '/nonexistent' }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_NO_RUNTIME' });
    expect((err as Error).message).toContain('Install Node.js 18 or newer');
  });

  it('an agent that prints garbage and dies gives a clean error with its stderr, and no crash', async () => {
    const k = ensureTestUsersAndKeys();
    const bundle = fakeBundle(
      "process.stdout.write('Last login: yesterday\\n{broken\\n'); process.stderr.write('panic: cannot read /proc\\n'); process.exit(3);\n",
    );
    const states: string[] = [];
    const err = await SshSession.open(
      targetOf(sshd, 'root', [k.plain]),
      baseOptions(newHostKeys(), { artifacts: { bundle, executable: null } }),
      (t) => states.push(t.to),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_EXITED' });
    expect((err as { evidence?: string }).evidence).toContain('panic: cannot read /proc');
    expect(states[states.length - 1]).toBe('closed');
  });

  it('a file whose hash on the target is not the announced build is refused (AGENT_DEPLOY_FAILED)', async () => {
    const k = ensureTestUsersAndKeys();
    const real = bundleOnly().bundle;
    const err = await SshSession.open(
      targetOf(sshd, 'root', [k.plain]),
      baseOptions(newHostKeys(), {
        artifacts: {
          bundle: { ...fakeBundle('x'), path: real.path, sha256: real.sha256.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
          executable: null,
        },
      }),
    ).catch((e: unknown) => e);
    // The file uploaded is the real agent, but its hash is not the one announced: deploy refuses it.
    expect(err).toMatchObject({ code: 'AGENT_DEPLOY_FAILED' });
  });
});
