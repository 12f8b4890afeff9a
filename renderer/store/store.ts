// Why: one store of typed slices for the whole UI. Entities are normalised (byId + order), and
// actions are named so devtools traces read like the product. The API client is injected so
// tests and both transports use the same store.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../api/client';
import type { ApiEvent } from '../../shared/api';
import type { HostRef } from '../../shared/domain/host';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { ErrorInfo } from '../../shared/errors';
import { SeamlessError } from '../../shared/errors';

export type Loadable<T> = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ErrorInfo };

export interface HostsSlice {
  hosts: { byId: Record<string, HostRef>; order: string[]; load: Loadable<true> };
  loadHosts(): Promise<void>;
}

export interface FactsSlice {
  facts: Record<string, Loadable<HostFacts>>;
  loadFacts(hostId: string): Promise<void>;
}

export interface SessionsSlice {
  sessions: Record<string, { state: string; reason?: string }>;
  applyEvents(events: ApiEvent[]): void;
}

export type AppState = HostsSlice & FactsSlice & SessionsSlice;
export type AppStore = StoreApi<AppState>;

function errorOf(err: unknown): ErrorInfo {
  return err instanceof SeamlessError
    ? err.toInfo()
    : { code: 'AGENT_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export function createAppStore(api: ApiClient): AppStore {
  return createStore<AppState>()((set) => ({
    hosts: { byId: {}, order: [], load: { status: 'idle' } },
    async loadHosts() {
      set((s) => ({ hosts: { ...s.hosts, load: { status: 'loading' } } }));
      try {
        const list = await api.call('hosts.list', {});
        set({
          hosts: {
            byId: Object.fromEntries(list.map((h) => [h.id, h])),
            order: list.map((h) => h.id),
            load: { status: 'ready', data: true },
          },
        });
      } catch (err) {
        set((s) => ({ hosts: { ...s.hosts, load: { status: 'error', error: errorOf(err) } } }));
      }
    },

    facts: {},
    async loadFacts(hostId) {
      set((s) => ({ facts: { ...s.facts, [hostId]: { status: 'loading' } } }));
      try {
        const data = await api.call('host.facts', { hostId });
        set((s) => ({ facts: { ...s.facts, [hostId]: { status: 'ready', data } } }));
      } catch (err) {
        set((s) => ({ facts: { ...s.facts, [hostId]: { status: 'error', error: errorOf(err) } } }));
      }
    },

    sessions: {},
    applyEvents(events) {
      set((s) => {
        const sessions = { ...s.sessions };
        for (const e of events) {
          if (e.event === 'session.state') sessions[e.data.hostId] = { state: e.data.state, reason: e.data.reason };
        }
        return { sessions };
      });
    },
  }));
}
