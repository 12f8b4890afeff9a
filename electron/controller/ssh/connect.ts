// Why: one place turns a resolved target into an authenticated SSH connection, hop by hop
// through ProxyJump (each hop dialled through the previous one with forwardOut, each hop's key
// verified the same way), with keepalives on, a handshake timer that does not run while a human
// is answering a prompt, and every failure mapped to one stable code: CONNECT_FAILED (with the
// OS error), CONNECT_TIMEOUT, HOST_KEY_*, AUTH_FAILED.
import type { Duplex } from 'node:stream';
import { Client, type ClientErrorExtensions, type ServerHostKeyAlgorithm } from 'ssh2';
import { SeamlessError } from '../../../shared/errors';
import { Authenticator, planAuth, SecretMemory, type AuthOptions } from './auth';
import { CommandQueue } from './exec';
import { makeHostVerifier, type HostKeyPolicy, type HostKeyStore } from './hostKeyStore';
import { hostLookupName } from './knownHosts';
import { describeTarget, type SshTarget } from './target';

export type ConnectPhase = 'connecting' | 'verifying-host-key' | 'authenticating';

export interface ConnectOptions extends AuthOptions, HostKeyPolicy {
  hostKeys: HostKeyStore;
  /** Secrets that worked before in this session (reconnects); a fresh one by default. */
  secrets?: SecretMemory;
  /** TCP connect + key exchange + login, per hop, not counting time spent in prompts. Default 20 s. */
  readyTimeoutMs?: number;
  /** Like ssh(1)'s ServerAliveInterval; default 15 s. */
  keepaliveIntervalMs?: number;
  /** Like ServerAliveCountMax; default 3. A dead link is noticed after about interval × count. */
  keepaliveCountMax?: number;
  onPhase?: (phase: ConnectPhase, detail: string) => void;
}

export interface SshConnection {
  target: SshTarget;
  client: Client;
  /** The jump host clients, first hop first (closed together with the connection). */
  jumps: Client[];
  commands: CommandQueue;
  /** Settles once, when the connection ends, with the reason. */
  readonly closed: Promise<SeamlessError>;
  readonly isClosed: boolean;
  connectMs: number;
  close(): void;
}

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;
export const DEFAULT_KEEPALIVE_COUNT_MAX = 3;
const DEFAULT_READY_TIMEOUT_MS = 20_000;

const HOST_KEY_ALGOS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Connects and logs in, through every jump host. Rejects with a SeamlessError. */
export async function connectSsh(target: SshTarget, options: ConnectOptions): Promise<SshConnection> {
  const started = Date.now();
  const secrets = options.secrets ?? new SecretMemory();
  const hops = [...target.proxyJump, target];
  const clients: Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i]!;
      if (i > 0) sock = await forwardOut(clients[i - 1]!, hops[i - 1]!, hop);
      const label = i < hops.length - 1 ? `jump host ${describeTarget(hop)}` : describeTarget(hop);
      clients.push(await connectHop(hop, sock, options, secrets, label));
    }
  } catch (err) {
    for (const c of clients.reverse()) c.end();
    throw err;
  }
  return wrapConnection(target, clients, Date.now() - started, options);
}

function forwardOut(via: Client, viaTarget: SshTarget, to: SshTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
      if (err) {
        reject(
          new SeamlessError(
            'CONNECT_FAILED',
            `The jump host ${describeTarget(viaTarget)} could not open a connection to ${hostLookupName(to.host, to.port)}: ${err.message}. Check the name and port as seen from the jump host, and that it allows TCP forwarding (AllowTcpForwarding).`,
          ),
        );
      } else resolve(stream);
    });
  });
}

/** A timer that stops while a human is being asked something, and resumes afterwards. */
function pausableTimer(ms: number, onFire: () => void) {
  let remaining = ms;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | null = setTimeout(onFire, remaining);
  let asking = 0;
  return {
    async around<T>(p: Promise<T>): Promise<T> {
      if (asking++ === 0 && timer) {
        clearTimeout(timer);
        timer = null;
        remaining -= Date.now() - startedAt;
      }
      try {
        return await p;
      } finally {
        if (--asking === 0 && remaining > -1) {
          startedAt = Date.now();
          timer = setTimeout(onFire, Math.max(remaining, 1000));
        }
      }
    },
    stop() {
      remaining = -1;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

function connectHop(
  hop: SshTarget,
  sock: Duplex | undefined,
  options: ConnectOptions,
  secrets: SecretMemory,
  label: string,
): Promise<Client> {
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    const where = hostLookupName(hop.host, hop.port);
    let settled = false;
    let hostKeyError: SeamlessError | null = null;
    let authFailed = false;
    const fail = (err: SeamlessError) => {
      if (settled) return;
      settled = true;
      timer.stop();
      client.end();
      client.destroy();
      reject(err);
    };
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const timer = pausableTimer(timeoutMs, () =>
      fail(
        new SeamlessError(
          'CONNECT_TIMEOUT',
          `${label}: no SSH login within ${timeoutMs / 1000} s. The host may be down or booting, or a firewall drops the packets.`,
        ),
      ),
    );
    const auth = new Authenticator({
      user: hop.user,
      host: hop.host,
      steps: planAuth(hop.identityFiles, options),
      options,
      secrets,
      onAsk: (p) => timer.around(p),
      onStart: () => options.onPhase?.('authenticating', label),
    });
    const knownTypes = new Set(
      options.hostKeys
        .entries()
        .filter((e) => e.marker === null)
        .filter((e) => hostMatchesQuick(e.hosts, hop))
        .map((e) => e.keyType),
    );
    // Like ssh(1): prefer the key types already known for this host, so a server that has
    // several keys presents the one we can check rather than one that looks "unknown".
    const prepend = [...knownTypes].flatMap((t) => HOST_KEY_ALGOS[t] ?? []);

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      timer.stop();
      auth.succeeded();
      resolve(client);
    });
    client.on('error', (err: Error & ClientErrorExtensions) => {
      if (err.level === 'agent') {
        auth.noteAgentError(err.message);
        return;
      }
      if (settled) return;
      if (hostKeyError) return fail(hostKeyError);
      if (err.level === 'client-authentication') {
        authFailed = true;
        return fail(auth.failure());
      }
      const code = (err as NodeJS.ErrnoException).code;
      fail(
        new SeamlessError(
          'CONNECT_FAILED',
          code
            ? `${label}: cannot connect to ${where}: ${code} (${err.message}). Check the host name and port, and that sshd runs there.`
            : `${label}: the SSH handshake with ${where} failed: ${err.message}`,
          { details: { host: hop.host, port: hop.port, osError: code ?? null } },
        ),
      );
    });
    client.on('close', () => {
      if (settled) return;
      if (hostKeyError) return fail(hostKeyError);
      if (authFailed) return;
      fail(new SeamlessError('CONNECT_FAILED', `${label}: ${where} closed the connection before login finished.`));
    });
    options.onPhase?.('connecting', label);
    client.connect({
      host: hop.host,
      port: hop.port,
      username: hop.user,
      ...(sock ? { sock } : {}),
      readyTimeout: 0,
      keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      // ssh2 gives up after countMax+1 silent intervals; OpenSSH after countMax (ssh_config(5):
      // 15 s × 3 → "approximately 45 seconds"). Map to OpenSSH's meaning, at least one probe.
      keepaliveCountMax: Math.max(1, (options.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX) - 1),
      ...(prepend.length > 0 ? { algorithms: { serverHostKey: { prepend, append: [], remove: [] } } } : {}),
      hostVerifier: makeHostVerifier(options.hostKeys, hop.host, hop.port, options, {
        onStart: () => options.onPhase?.('verifying-host-key', label),
        onAsk: (p) => timer.around(p),
        onRefused: (err) => {
          hostKeyError = err;
        },
      }),
      authHandler: auth.handler,
    });
  });
}

function hostMatchesQuick(hosts: string, hop: SshTarget): boolean {
  // Only to order host key algorithms; the real decision is made by the verifier.
  const name = hostLookupName(hop.host, hop.port);
  return hosts.split(',').includes(name);
}

function wrapConnection(target: SshTarget, clients: Client[], connectMs: number, options: ConnectOptions): SshConnection {
  const client = clients[clients.length - 1]!;
  const jumps = clients.slice(0, -1);
  const commands = new CommandQueue(client);
  let isClosed = false;
  let lastError: (Error & ClientErrorExtensions) | null = null;
  let resolveClosed!: (e: SeamlessError) => void;
  const closed = new Promise<SeamlessError>((r) => (resolveClosed = r));
  const interval = options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
  const count = options.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX;
  const onClose = () => {
    if (isClosed) return;
    isClosed = true;
    let reason: SeamlessError;
    if (lastError?.level === 'client-timeout') {
      reason = new SeamlessError(
        'CONNECTION_LOST',
        `No answer from ${describeTarget(target)} to keepalives for about ${(interval * count) / 1000} s: the link is down.`,
      );
    } else if (lastError) {
      reason = new SeamlessError('CONNECTION_LOST', `The connection to ${describeTarget(target)} failed: ${lastError.message}`);
    } else {
      reason = new SeamlessError('CONNECTION_LOST', `The connection to ${describeTarget(target)} was closed.`);
    }
    commands.markLost(reason);
    for (const j of jumps) j.end();
    resolveClosed(reason);
  };
  client.on('error', (err: Error & ClientErrorExtensions) => {
    if (err.level !== 'agent') lastError = err;
  });
  client.on('close', onClose);
  for (const j of jumps) {
    j.on('error', (err: Error & ClientErrorExtensions) => (lastError ??= err));
    j.on('close', () => client.destroy());
  }
  return {
    target,
    client,
    jumps,
    commands,
    closed,
    get isClosed() {
      return isClosed;
    },
    connectMs,
    close() {
      client.end();
      for (const j of jumps) j.end();
    },
  };
}
