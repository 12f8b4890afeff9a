// Why: the controller is what the renderer's API calls land on, whatever the transport. It owns
// the sessions with agents (only "This machine" so far) and nothing about windows or sockets.
import { EventEmitter } from 'node:events';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { LOCAL_HOST_ID, type HostRef } from '../../shared/domain/host';
import { SeamlessError } from '../../shared/errors';
import type { ApiEvent, SeamlessApi } from '../../shared/api';
import { loadAgentBundle, type AgentBundle } from './agentBundle';
import { startLocalAgent, type StartedAgent } from './localAgent';

export interface ControllerOptions {
  transport: 'ipc' | 'websocket';
  version: string;
  /** Where the agent bundle comes from; defaults to the built one in dist/. */
  agentBundle?: () => AgentBundle;
}

export interface Controller {
  api: SeamlessApi;
  events: EventEmitter<{ event: [ApiEvent] }>;
  close(): Promise<void>;
}

export function createController(opts: ControllerOptions): Controller {
  const events = new EventEmitter<{ event: [ApiEvent] }>();
  let local: Promise<StartedAgent> | null = null;
  const bundle = opts.agentBundle ?? (() => loadAgentBundle());

  function localAgent(): Promise<StartedAgent> {
    if (local) return local;
    events.emit('event', { event: 'session.state', data: { hostId: LOCAL_HOST_ID, state: 'connecting' } });
    const starting = startLocalAgent(bundle(), `seamless-controller/${opts.version}`).then(
      (agent) => {
        events.emit('event', { event: 'session.state', data: { hostId: LOCAL_HOST_ID, state: 'ready' } });
        agent.connection.once('closed', (reason) => {
          local = null;
          events.emit('event', { event: 'session.state', data: { hostId: LOCAL_HOST_ID, state: 'closed', reason: reason.message } });
        });
        return agent;
      },
      (err: unknown) => {
        local = null;
        throw err;
      },
    );
    local = starting;
    return starting;
  }

  const hosts: HostRef[] = [{ id: LOCAL_HOST_ID, label: 'This machine', kind: 'local' }];

  /** The agent session of a known host. */
  async function agentFor(hostId: string): Promise<StartedAgent> {
    if (hostId !== LOCAL_HOST_ID) throw new SeamlessError('HOST_UNKNOWN', `No host "${hostId}" is known; add it first.`);
    return localAgent();
  }

  const api: SeamlessApi = {
    'app.info': async () => ({ version: opts.version, protocolVersion: PROTOCOL_VERSION, transport: opts.transport }),
    'hosts.list': async () => hosts,
    'host.facts': async ({ hostId }) => (await agentFor(hostId)).connection.call('host.facts', {}, { timeoutMs: 60_000 }),
    'host.inventory': async ({ hostId }) => (await agentFor(hostId)).connection.call('inventory.list', {}, { timeoutMs: 60_000 }),
    'host.files': async ({ hostId, pids }) => (await agentFor(hostId)).connection.call('footprint.files', { pids }, { timeoutMs: 120_000 }),
    'host.preflight': async ({ hostId, plan }) =>
      (await agentFor(hostId)).connection.call('preflight.run', { plan }, { timeoutMs: 120_000 }),
  };

  return {
    api,
    events,
    async close() {
      const agent = local;
      local = null;
      if (agent) await (await agent.catch(() => null))?.stop();
    },
  };
}
