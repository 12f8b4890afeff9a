// Why: the UI must always be able to say where a remote host stands (connecting, checking its
// key, logging in, deploying, ready, lost, reconnecting, closed) and why, and a kexec or a
// network blip must not end the work: the session notices a dead link through keepalives,
// reconnects with capped exponential backoff, redeploys only if the agent file is gone, starts
// a new agent channel and greets it again. Failures that a retry cannot fix (a changed or
// revoked host key, refused credentials, no sudo) close the session with the reason instead.
import { EventEmitter } from 'node:events';
import { SeamlessError, toErrorInfo, type ErrorCode, type ErrorInfo } from '../../../shared/errors';
import type { AgentMethod, AgentParams, AgentResult, HelloResult } from '../../../shared/protocol';
import type { CallOptions, CancelSignal } from '../../../shared/rpc/rpcPeer';
import { SecretMemory } from './auth';
import { connectSsh, type ConnectOptions, type SshConnection } from './connect';
import { deployAgent, type AgentArtifacts, type DeployedAgent, type DeployOptions } from './deploy';
import type { ExecOptions, ExecResult } from './exec';
import { startRemoteAgent, type RemoteAgent } from './remoteAgent';
import { RootRunner, type RootOptions } from './root';
import { describeTarget, type SshTarget } from './target';

export type SshSessionState =
  'connecting' | 'verifying-host-key' | 'authenticating' | 'deploying' | 'ready' | 'lost' | 'reconnecting' | 'closed';

export interface SessionTransition {
  from: SshSessionState | null;
  to: SshSessionState;
  reason: string;
  at: number;
  /** Reconnect attempt number (1, 2, …) while reconnecting. */
  attempt?: number;
  error?: ErrorInfo;
}

export interface ReconnectPolicy {
  /** First wait after a loss; default 1 s. */
  initialDelayMs?: number;
  /** Cap of the doubling wait; default 30 s. */
  maxDelayMs?: number;
  /** Give up (→ closed) after this many attempts; default: never give up. */
  maxAttempts?: number;
}

export interface SshSessionOptions extends ConnectOptions, RootOptions, DeployOptions {
  artifacts: AgentArtifacts;
  controllerName: string;
  reconnect?: ReconnectPolicy;
  helloTimeoutMs?: number;
}

export interface SessionTimings {
  /** TCP + key exchange + login (excluding prompts' think time only partly: wall clock). */
  connectMs: number;
  /** Probe + hash check + upload when needed. */
  deployMs: number;
  uploadMs: number;
  deployMethod: DeployedAgent['method'];
  /** Agent start + hello. */
  attachMs: number;
  /** From the start of this (re)connection to ready. */
  totalMs: number;
}

/** Errors after which retrying cannot help: the session closes instead of reconnecting. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'HOST_KEY_REJECTED',
  'AUTH_FAILED',
  'SUDO_REQUIRED',
  'SUDO_PASSWORD_WRONG',
  'SSH_TARGET_INVALID',
  'AGENT_NO_RUNTIME',
  'AGENT_BUILD_MISMATCH',
]);

export function isRetryable(err: unknown): boolean {
  return !(err instanceof SeamlessError && FATAL.has(err.code));
}

type Events = { state: [SessionTransition] };

export class SshSession extends EventEmitter<Events> {
  readonly transitions: SessionTransition[] = [];
  private current: SshSessionState | null = null;
  private ssh: SshConnection | null = null;
  private agent: RemoteAgent | null = null;
  private rootRunner: RootRunner | null = null;
  private readonly secrets = new SecretMemory();
  private closing = false;
  private wake: (() => void) | null = null;
  private readyWaiters = new Set<() => void>();
  hello: HelloResult | null = null;
  deployed: DeployedAgent | null = null;
  timings: SessionTimings | null = null;

  private constructor(
    readonly target: SshTarget,
    private readonly options: SshSessionOptions,
  ) {
    super();
  }

  /**
   * Connects, verifies, logs in, becomes root, deploys and greets the agent. Resolves when
   * ready; rejects (the session is then closed) when the first connection fails.
   */
  static async open(target: SshTarget, options: SshSessionOptions, onState?: (t: SessionTransition) => void): Promise<SshSession> {
    const session = new SshSession(target, options);
    if (onState) session.on('state', onState);
    try {
      await session.establish();
    } catch (err) {
      session.shutdown(err instanceof SeamlessError ? err : new SeamlessError('CONNECT_FAILED', String(err)));
      throw err;
    }
    return session;
  }

  get state(): SshSessionState {
    return this.current ?? 'connecting';
  }

  /** The current SSH connection (changes on reconnect). */
  get connection(): SshConnection | null {
    return this.ssh;
  }

  get root(): RootRunner | null {
    return this.rootRunner;
  }

  /** Calls the agent; while the link is being restored the call waits (within its timeout). */
  async call<M extends AgentMethod>(method: M, params: AgentParams<M>, opts: CallOptions = {}): Promise<AgentResult<M>> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    await this.whenReady(timeoutMs, opts.signal, method);
    const agent = this.agent!;
    try {
      return await agent.connection.call(method, params, { ...opts, timeoutMs: Math.max(1, deadline - Date.now()) });
    } catch (err) {
      if (err instanceof SeamlessError && (err.code === 'AGENT_EXITED' || err.code === 'CONNECTION_LOST') && this.state !== 'ready') {
        throw new SeamlessError(
          'CONNECTION_LOST',
          `The link to ${describeTarget(this.target)} dropped during ${method}; the session is reconnecting. Work already started on the host goes on.`,
          {
            evidence: err.evidence,
          },
        );
      }
      throw err;
    }
  }

  /** Runs a shell command as root on the target (serialised with other short commands). */
  async execAsRoot(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    await this.whenReady(options.timeoutMs ?? 30_000, undefined, command);
    return this.rootRunner!.run(command, options);
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.closing = true;
    const agent = this.agent;
    if (agent) await agent.stop().catch(() => undefined);
    this.shutdown(null);
  }

  private shutdown(reason: SeamlessError | null): void {
    this.closing = true;
    this.wake?.();
    this.agent = null;
    this.ssh?.close();
    this.ssh = null;
    this.secrets.clear();
    if (this.current !== 'closed') this.transition('closed', reason ? reason.message : 'closed by the user', reason ?? undefined);
    for (const w of this.readyWaiters) w();
  }

  private whenReady(timeoutMs: number, signal: CancelSignal | undefined, what: string): Promise<void> {
    if (this.current === 'ready' && this.agent) return Promise.resolve();
    if (this.current === 'closed')
      return Promise.reject(new SeamlessError('CONNECTION_LOST', `The session to ${describeTarget(this.target)} is closed.`));
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.readyWaiters.delete(done);
        if (this.current === 'ready' && this.agent) resolve();
        else reject(new SeamlessError('CONNECTION_LOST', `The session to ${describeTarget(this.target)} is closed.`));
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(done);
        reject(
          new SeamlessError(
            'REQUEST_TIMEOUT',
            `${what}: ${describeTarget(this.target)} did not come back within ${timeoutMs / 1000} s (state: ${this.state}).`,
          ),
        );
      }, timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        reject(new SeamlessError('REQUEST_CANCELLED', `${what} was cancelled`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.readyWaiters.add(done);
    });
  }

  private transition(to: SshSessionState, reason: string, error?: SeamlessError, attempt?: number): void {
    const t: SessionTransition = { from: this.current, to, reason, at: Date.now() };
    if (attempt !== undefined) t.attempt = attempt;
    if (error) t.error = toErrorInfo(error);
    this.current = to;
    this.transitions.push(t);
    this.emit('state', t);
    if (to === 'ready') for (const w of [...this.readyWaiters]) w();
  }

  /** One full setup: connect → root → deploy → agent → ready. */
  private async establish(): Promise<void> {
    const started = Date.now();
    const o = this.options;
    const who = describeTarget(this.target);
    this.transition(
      'connecting',
      `connecting to ${who}${this.target.proxyJump.length ? ` via ${this.target.proxyJump.map(describeTarget).join(', ')}` : ''}`,
    );
    const ssh = await connectSsh(this.target, {
      ...o,
      secrets: this.secrets,
      onPhase: (phase, detail) => {
        if (phase !== 'connecting' && this.current !== phase) this.transition(phase, detail);
        o.onPhase?.(phase, detail);
      },
    });
    if (this.closing) {
      ssh.close();
      throw new SeamlessError('CONNECTION_LOST', 'closed while connecting');
    }
    this.ssh = ssh;
    const connectMs = Date.now() - started;
    try {
      this.transition('deploying', `checking root access and the agent on ${who}`);
      const deployStart = Date.now();
      const root = await RootRunner.probe(ssh.commands, { user: this.target.user, host: this.target.host }, this.secrets, o);
      this.rootRunner = root;
      const deployed = await deployAgent(ssh.commands, root, o.artifacts, o);
      const deployMs = Date.now() - deployStart;
      const attachStart = Date.now();
      const agent = await startRemoteAgent(
        ssh,
        root,
        deployed,
        o.controllerName,
        o.helloTimeoutMs !== undefined ? { helloTimeoutMs: o.helloTimeoutMs } : {},
      );
      if (this.closing) {
        void agent.stop();
        throw new SeamlessError('CONNECTION_LOST', 'closed while connecting');
      }
      this.agent = agent;
      this.deployed = deployed;
      this.hello = agent.hello;
      this.timings = {
        connectMs,
        deployMs,
        uploadMs: deployed.uploadMs,
        deployMethod: deployed.method,
        attachMs: Date.now() - attachStart,
        totalMs: Date.now() - started,
      };
      this.watch(ssh, agent);
      this.transition(
        'ready',
        `agent ${agent.hello.agentVersion} (pid ${agent.hello.pid}, ${deployed.kind}, ${deployed.method}) ready on ${who}`,
      );
    } catch (err) {
      ssh.close();
      if (this.ssh === ssh) this.ssh = null;
      throw err;
    }
  }

  private watch(ssh: SshConnection, agent: RemoteAgent): void {
    let handled = false;
    const onLoss = (reason: SeamlessError) => {
      if (handled || this.closing || this.ssh !== ssh) return;
      handled = true;
      this.agent = null;
      // The agent channel alone can die (agent crash); a new connection is the simple, sure way back.
      ssh.close();
      this.ssh = null;
      this.transition('lost', reason.message, reason);
      void this.reconnectLoop();
    };
    void ssh.closed.then(onLoss);
    void agent.exited.then(onLoss);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async reconnectLoop(): Promise<void> {
    const policy = this.options.reconnect ?? {};
    let delay = policy.initialDelayMs ?? 1000;
    const maxDelay = policy.maxDelayMs ?? 30_000;
    const maxAttempts = policy.maxAttempts ?? Infinity;
    for (let attempt = 1; !this.closing; attempt++) {
      if (attempt > maxAttempts) {
        this.shutdown(
          new SeamlessError('CONNECTION_LOST', `Gave up reconnecting to ${describeTarget(this.target)} after ${maxAttempts} attempts.`),
        );
        return;
      }
      this.transition('reconnecting', `attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`, undefined, attempt);
      await this.sleep(delay);
      if (this.closing) return;
      try {
        await this.establish();
        return;
      } catch (err) {
        if (this.closing) return;
        if (!isRetryable(err)) {
          this.shutdown(err as SeamlessError);
          return;
        }
        // Refused, reset, handshake timeout: the host is not back yet.
        this.transition('lost', `not yet: ${(err as Error).message}`, err instanceof SeamlessError ? err : undefined, attempt);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }
}
