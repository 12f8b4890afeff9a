// Why: one place that turns a host id into a live agent: this machine through a local child,
// hosts handed in by the launcher (the lab) and every SSH host through an SshSession (host-key check, login, sudo, deploy,
// reconnect). Sessions are shared by every caller and their state changes become API events.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { LOCAL_HOST_ID, type HostRef } from '../../shared/domain/host';
import { SeamlessError } from '../../shared/errors';
import type { AgentMethod, AgentParams, AgentResult } from '../../shared/protocol';
import type { ApiEvent } from '../../shared/api';
import type { CallOptions } from './agentConnection';
import { loadAgentBundle, type AgentBundle } from './agentBundle';
import { localAgentProgram, startLocalAgent, type StartedAgent } from './localAgent';
import { ProvidedHosts } from './hosts/providedHosts';
import type { ProvidedHost } from '../../shared/domain/providedHost';
import { SavedHosts } from './hosts/savedHosts';
import type { Prompter } from './prompter';
import { loadAgentExecutable } from './ssh/agentExecutableManifest';
import { defaultConfigDir, HostKeyStore } from './ssh/hostKeyStore';
import { SshSession } from './ssh/session';
import { resolveTarget, sshConfigAliases, type SshTarget } from './ssh/target';

export interface AgentHandle {
  call<M extends AgentMethod>(method: M, params: AgentParams<M>, opts?: CallOptions): Promise<AgentResult<M>>;
}

export interface HostSessionsOptions {
  version: string;
  prompter: Prompter;
  events: EventEmitter<{ event: [ApiEvent] }>;
  configDir?: string;
  agentBundle?: () => AgentBundle;
  /** Host id → the only fingerprint to trust without asking (CLI --accept-host-key). */
  acceptHostKey?: ReadonlyMap<string, string>;
  /** ~/.ssh/config by default (tests pass their own; null: none). */
  sshConfigPath?: string | null;
  /** Provider files naming hosts the launcher hands in (the lab); see shared/domain/providedHost.ts. */
  hostProviders?: readonly string[];
}

type Live = { kind: 'local'; agent: StartedAgent } | { kind: 'ssh'; session: SshSession };

export class HostSessions {
  private readonly live = new Map<string, Promise<Live>>();
  private readonly saved: SavedHosts;
  private readonly provided: ProvidedHosts;
  private readonly configDir: string;

  constructor(private readonly opts: HostSessionsOptions) {
    this.configDir = opts.configDir ?? defaultConfigDir();
    this.saved = new SavedHosts(this.configDir);
    this.provided = new ProvidedHosts(opts.hostProviders ?? []);
  }

  list(): HostRef[] {
    const hosts: HostRef[] = [{ id: LOCAL_HOST_ID, label: 'This machine', kind: 'local' }];
    hosts.push(...this.provided.list());
    for (const h of this.saved.list()) hosts.push({ id: h.id, label: h.label, kind: 'ssh' });
    // The admin's own ~/.ssh/config: every Host alias that names one host, as ssh(1) would connect.
    for (const alias of sshConfigAliases({ sshConfigPath: this.opts.sshConfigPath }))
      if (!hosts.some((h) => h.id === alias)) hosts.push({ id: alias, label: `${alias} (~/.ssh/config)`, kind: 'ssh' });
    return hosts;
  }

  add(spec: string, label?: string, via: { identityFile?: string; proxyJump?: string } = {}): HostRef {
    const target = resolveTarget(spec, { sshConfigPath: this.opts.sshConfigPath }); // refuses a malformed spec before anything is saved
    if (via.proxyJump !== undefined) resolveTarget(via.proxyJump, { sshConfigPath: this.opts.sshConfigPath }); // and a malformed jump host
    if (via.identityFile !== undefined && !existsSync(via.identityFile))
      throw new SeamlessError('SSH_TARGET_INVALID', `The key file ${via.identityFile} does not exist on this machine.`);
    const id = spec;
    const saved = {
      id,
      label: label || `${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`,
      spec,
      ...(via.identityFile !== undefined ? { identityFile: via.identityFile } : {}),
      ...(via.proxyJump !== undefined ? { proxyJump: via.proxyJump } : {}),
    };
    this.saved.add(saved);
    return { id, label: saved.label, kind: 'ssh' };
  }

  /** The provider file and entry of a host the launcher handed in; an error for any other host. */
  providerOf(hostId: string): { file: string; host: ProvidedHost } {
    const found = this.provided.find(hostId);
    if (!found) throw new SeamlessError('HOST_UNKNOWN', `"${hostId}" is not a host the app can start or stop.`);
    return found;
  }

  /** Ends the session with a host, if any (before it is stopped). */
  async disconnect(hostId: string): Promise<void> {
    const p = this.live.get(hostId);
    if (!p) return;
    this.live.delete(hostId);
    const live = await p.catch(() => null);
    if (live?.kind === 'local') await live.agent.stop();
    else if (live?.kind === 'ssh') await live.session.close();
  }

  async agentFor(hostId: string): Promise<AgentHandle> {
    const live = await this.connect(hostId);
    return live.kind === 'local' ? live.agent.connection : live.session;
  }

  /** Connects (once; later callers share the session) and resolves when ready. */
  connect(hostId: string): Promise<Live> {
    let p = this.live.get(hostId);
    if (!p) {
      p = this.open(hostId);
      this.live.set(hostId, p);
      p.catch(() => this.live.delete(hostId));
    }
    return p;
  }

  private emitState(hostId: string, state: Extract<ApiEvent, { event: 'session.state' }>['data']['state'], reason?: string) {
    this.opts.events.emit('event', { event: 'session.state', data: { hostId, state, reason } });
  }

  private async open(hostId: string): Promise<Live> {
    if (hostId === LOCAL_HOST_ID) {
      this.emitState(hostId, 'connecting');
      const bundle = (this.opts.agentBundle ?? loadAgentBundle)();
      const program = localAgentProgram(bundle, process.versions.electron ? loadAgentExecutable(undefined, bundle.sha256) : null);
      const agent = await startLocalAgent(program, `seamless-controller/${this.opts.version}`);
      this.emitState(hostId, 'ready');
      agent.connection.once('closed', (reason) => {
        this.live.delete(hostId);
        this.emitState(hostId, 'closed', reason.message);
      });
      return { kind: 'local', agent };
    }
    const { target, hostKeys } = this.targetFor(hostId);
    const bundle = (this.opts.agentBundle ?? loadAgentBundle)();
    const p = this.opts.prompter;
    const session = await SshSession.open(
      target,
      {
        hostKeys,
        artifacts: { bundle, executable: loadAgentExecutable(undefined, bundle.sha256) },
        controllerName: `seamless-controller/${this.opts.version}`,
        confirmHostKey: (q) => p.confirmHostKey(hostId, q),
        acceptHostKey: this.opts.acceptHostKey?.get(hostId),
        promptPassword: (user, host) => p.password(hostId, user, host),
        promptPassphrase: (keyPath) => p.passphrase(hostId, keyPath),
        passphraseRejected: (keyPath) => p.passphraseRejected?.(hostId, keyPath),
        promptSudoPassword: ({ user, host }) => p.sudoPassword(hostId, user, host),
        // A dead link (a kexec, a network cut) is noticed in about 15 s, and a host that comes
        // back is found within 5 s.
        keepaliveIntervalMs: 5000,
        keepaliveCountMax: 3,
        reconnect: { initialDelayMs: 1000, maxDelayMs: 5000 },
      },
      (t) => {
        this.emitState(hostId, t.to, t.reason);
        if (t.to === 'closed') this.live.delete(hostId);
      },
    );
    return { kind: 'ssh', session };
  }

  /** The SSH target a host id connects to (provided, saved, an alias or a spec), and whose keys it trusts. */
  targetFor(hostId: string): { target: SshTarget; hostKeys: HostKeyStore } {
    const provided = this.provided.targetFor(hostId);
    if (provided) return provided;
    const saved = this.saved.list().find((h) => h.id === hostId);
    const spec = saved?.spec ?? hostId;
    try {
      const opts = { sshConfigPath: this.opts.sshConfigPath };
      const target = resolveTarget(spec, opts);
      // What the admin gave when adding the host comes first, as `ssh -i KEY -J JUMP` would.
      if (saved?.identityFile) target.identityFiles = [saved.identityFile, ...target.identityFiles.filter((f) => f !== saved.identityFile)];
      if (saved?.proxyJump) target.proxyJump = [resolveTarget(saved.proxyJump, opts)];
      return { target, hostKeys: new HostKeyStore({ configDir: this.configDir }) };
    } catch (err) {
      throw err instanceof SeamlessError ? err : new SeamlessError('HOST_UNKNOWN', `No host "${hostId}" is known: ${String(err)}`);
    }
  }

  async close(): Promise<void> {
    for (const hostId of [...this.live.keys()]) await this.disconnect(hostId);
  }
}
