// Through a jump host (a second real sshd), and across a dead link: the per-connection sshd
// processes are frozen (SIGSTOP: the TCP peer stays, nothing answers, as with a pulled cable)
// or killed (the socket closes); keepalives notice, the session reconnects and re-attaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostKeyQuestion } from '../../../electron/controller/ssh/hostKeyStore';
import { SshSession, type SessionTransition } from '../../../electron/controller/ssh/session';
import { ensureTestUsersAndKeys, startSshd, TEST_USER, type TestSshd } from '../../helpers/sshd';
import { baseOptions, canRun, newHostKeys, targetOf, uidOf } from './env';

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

describe.skipIf(!canRun)('jump hosts and lost links (real sshd)', () => {
  let target: TestSshd;
  let jump: TestSshd;
  beforeAll(async () => {
    [target, jump] = await Promise.all([startSshd(), startSshd()]);
  });
  afterAll(async () => {
    await Promise.all([target?.stop(), jump?.stop()]);
  });

  it('connects through a ProxyJump host, verifying both host keys', async () => {
    const k = ensureTestUsersAndKeys();
    const asked: HostKeyQuestion[] = [];
    const hop = targetOf(jump, TEST_USER, [k.plain]);
    const session = await SshSession.open(
      targetOf(target, 'root', [k.plain], [hop]),
      baseOptions(newHostKeys(), { confirmHostKey: async (q) => (asked.push(q), true) }),
    );
    try {
      expect(asked.map((q) => [q.port, q.fingerprint])).toEqual([
        [jump.port, jump.fingerprint],
        [target.port, target.fingerprint],
      ]);
      expect(session.connection!.jumps).toHaveLength(1);
      expect(uidOf(session.hello!.pid)).toBe(0);
      // The target's sshd saw the connection come from the jump host's forwarding.
      expect(target.log()).toMatch(/Accepted publickey for root from 127\.0\.0\.1/);
      expect(jump.log()).toMatch(/Accepted publickey for seamless-t/);
    } finally {
      await session.close();
    }
  });

  it('notices a frozen link by keepalive, reconnects, re-attaches, and a new request works', async () => {
    const k = ensureTestUsersAndKeys();
    const states: SessionTransition[] = [];
    const session = await SshSession.open(
      targetOf(target, 'root', [k.plain]),
      baseOptions(newHostKeys(), { keepaliveIntervalMs: 1000, keepaliveCountMax: 3, reconnect: { initialDelayMs: 200, maxDelayMs: 2000 } }),
      (t) => states.push(t),
    );
    try {
      const firstPid = session.hello!.pid;
      const frozen = target.connectionPids();
      const stoppedAt = Date.now();
      signalAll(frozen, 'SIGSTOP');
      // A request in flight when the link dies fails cleanly (the work on the host would go on).
      const inFlight = session.call('host.facts', {}, { timeoutMs: 20_000 }).then(
        () => 'answered',
        (e: { code: string }) => e.code,
      );
      await new Promise<void>((resolve) => {
        const check = (t: SessionTransition) => {
          if (t.to === 'lost') {
            session.off('state', check);
            resolve();
          }
        };
        session.on('state', check);
      });
      const detectedMs = Date.now() - stoppedAt;
      signalAll(frozen, 'SIGKILL');
      signalAll(frozen, 'SIGCONT');
      await new Promise<void>((resolve) => {
        const check = (t: SessionTransition) => t.to === 'ready' && (session.off('state', check), resolve());
        session.on('state', check);
      });
      const recoveredMs = Date.now() - stoppedAt;
      expect(['CONNECTION_LOST', 'answered']).toContain(await inFlight);
      expect(session.hello!.pid).not.toBe(firstPid);
      expect(session.deployed!.method).toBe('cached');
      expect((await session.call('host.facts', {})).hostname.length).toBeGreaterThan(0);
      const seq = states.map((s) => s.to);
      expect(seq.slice(0, 5)).toEqual(['connecting', 'verifying-host-key', 'authenticating', 'deploying', 'ready']);
      expect(seq.slice(5)).toEqual(expect.arrayContaining(['lost', 'reconnecting', 'connecting', 'authenticating', 'deploying', 'ready']));
      expect(seq[5]).toBe('lost');
      expect(seq[seq.length - 1]).toBe('ready');
      // Keepalive 1 s × 3: the dead link is noticed in about 3 s (OpenSSH's ServerAlive semantics).
      expect(detectedMs).toBeLessThan(8000);
      console.log(
        `[measure] frozen link noticed after ${detectedMs} ms (keepalive 1 s × 3), ready again after ${recoveredMs} ms; states: ${seq.join(' → ')}`,
      );
    } finally {
      await session.close();
    }
    expect(states[states.length - 1]!.to).toBe('closed');
  });

  it('a killed connection (socket closed) is noticed at once and re-attached', async () => {
    const k = ensureTestUsersAndKeys();
    const states: SessionTransition[] = [];
    const session = await SshSession.open(
      targetOf(target, 'root', [k.plain]),
      baseOptions(newHostKeys(), { reconnect: { initialDelayMs: 100 } }),
      (t) => states.push(t),
    );
    try {
      const killedAt = Date.now();
      signalAll(target.connectionPids(), 'SIGKILL');
      await new Promise<void>((resolve) => {
        const check = (t: SessionTransition) => t.to === 'lost' && (session.off('state', check), resolve());
        session.on('state', check);
      });
      console.log(`[measure] killed connection noticed after ${Date.now() - killedAt} ms`);
      // A call made while the link is down waits for the session to come back (requests already
      // in flight are not re-sent: they fail with CONNECTION_LOST, as they may not be idempotent).
      const facts = await session.call('host.facts', {}, { timeoutMs: 20_000 });
      expect(facts.hostname.length).toBeGreaterThan(0);
      expect(states.map((s) => s.to)).toContain('lost');
      console.log(`[measure] killed connection: request answered after reconnect in ${Date.now() - killedAt} ms`);
    } finally {
      await session.close();
    }
  });

  it('never reconnects after a host key change: the session closes with the reason', async () => {
    const k = ensureTestUsersAndKeys();
    const hostKeys = newHostKeys();
    const states: SessionTransition[] = [];
    const session = await SshSession.open(
      targetOf(target, 'root', [k.plain]),
      baseOptions(hostKeys, { reconnect: { initialDelayMs: 100 } }),
      (t) => states.push(t),
    );
    // The host "changes" its key: rewrite the store entry to another key before the link drops.
    const { writeFileSync, readFileSync } = await import('node:fs');
    const other = jump.publicKey.split(' ')[1]!;
    writeFileSync(hostKeys.path, readFileSync(hostKeys.path, 'utf8').replace(target.publicKey.split(' ')[1]!, other));
    signalAll(target.connectionPids(), 'SIGKILL');
    await new Promise<void>((resolve) => {
      const check = (t: SessionTransition) => t.to === 'closed' && resolve();
      session.on('state', check);
    });
    const last = states[states.length - 1]!;
    expect(last.error?.code).toBe('HOST_KEY_CHANGED');
    await session.close();
  });
});
